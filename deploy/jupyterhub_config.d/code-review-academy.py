"""JupyterHub settings for a Code Review Academy class.

The Littlest JupyterHub: copy to /opt/tljh/config/jupyterhub_config.d/ and run
`sudo tljh-config reload hub`. Zero to JupyterHub: paste into hub.extraConfig. tests/hub loads
this very file into the test's hub (docs/deploy.md).

Instructors (the hub's admins, or members of the group "instructors") get nbgrader's formgrader:
their servers read deploy/instructor-jupyter/ (installed as INSTRUCTOR_CONFIG) before the shared
Jupyter configuration, which has the formgrader switched off for everyone else.
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when JupyterHub loads this file

INSTRUCTOR_CONFIG = os.environ.get("COURSE_INSTRUCTOR_JUPYTER_CONFIG", "/srv/nbgrader/instructor-jupyter")


def course_instructor_tools(spawner):
    user = spawner.user
    if not (user.admin or any(g.name == "instructors" for g in user.groups)):
        return
    shared = spawner.environment.get("JUPYTER_CONFIG_PATH")
    path = INSTRUCTOR_CONFIG + (os.pathsep + shared if shared else "")
    # a new dict: never change the mapping every spawner was configured with
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": path}


c.Spawner.pre_spawn_hook = course_instructor_tools

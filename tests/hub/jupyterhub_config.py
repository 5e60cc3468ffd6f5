"""JupyterHub for the multi-user test: loopback only, local system users, one driver service.

tests/hub/conftest.py starts `python -m jupyterhub -f` this file with CRA_* variables naming
the ports, folders and users it made. Apart from those, it is a small version of the hub in
docs/deploy.md: local users spawned as themselves, nbgrader's exchange named by the shared
/etc/jupyter-style nbgrader_config.py (here a temporary folder on JUPYTER_CONFIG_PATH).
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when JupyterHub loads this file

env = os.environ
state = env["CRA_HUB_STATE"]
instructor = env["CRA_INSTRUCTOR"]
students = env["CRA_STUDENTS"].split(",")

# Loopback only: the public proxy port, the proxy's API and the hub's own port.
c.JupyterHub.bind_url = f"http://127.0.0.1:{env['CRA_HUB_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["CRA_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['CRA_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [env["CRA_CHP"]]
c.ConfigurableHTTPProxy.auth_token = env["CRA_PROXY_TOKEN"]

# Everything the hub writes stays in the test's folder.
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{state}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# A shared password for the test's users: DummyAuthenticator is for tests only (TLJH uses
# its own authenticator; see docs/deploy.md).
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = env["CRA_HUB_PASSWORD"]
graders = [name for name in env.get("CRA_GRADERS", "").split(",") if name]  # teaching assistants
c.Authenticator.allowed_users = {instructor, *students, *graders}
if graders:  # the hub group the course's snippet gives the formgrader to
    c.JupyterHub.load_groups = {"instructors": {"users": graders}}
c.Authenticator.admin_users = {instructor}

# Each user's server runs as that system user (the hub runs as root), from the Python the
# test built for them, with the course's shared nbgrader config on the config path.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [env["CRA_USER_PYTHON"], "-m", "jupyterhub.singleuser"]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": env["CRA_JUPYTER_CONFIG"],
    "NBGRADER_EXCHANGE_ROOT": env["NBGRADER_EXCHANGE_ROOT"],
    "COURSE_ID": env["COURSE_ID"],
    "PATH": f"{os.path.dirname(env['CRA_USER_PYTHON'])}:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
}
if env.get("CRA_LD_LIBRARY_PATH"):  # the test's relocated interpreter (see hub_harness.py)
    c.Spawner.environment["LD_LIBRARY_PATH"] = env["CRA_LD_LIBRARY_PATH"]

# The course's own hub settings, as a deployment installs them: instructors (admins) get the
# formgrader back through their own Jupyter config folder.
os.environ["COURSE_INSTRUCTOR_JUPYTER_CONFIG"] = env["CRA_INSTRUCTOR_CONFIG"]
load_subconfig(os.path.join(env["CRA_REPO"], "deploy", "jupyterhub_config.d", "code-review-academy.py"))  # noqa: F821

# The test drives the hub through its REST API with this service's token.
c.JupyterHub.services = [{"name": "class-driver", "api_token": env["CRA_SERVICE_TOKEN"]}]
c.JupyterHub.load_roles = [
    {
        "name": "class-driver",
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
        "services": ["class-driver"],
    }
]

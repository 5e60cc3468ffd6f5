"""nbgrader configuration for instructors on the hub: their formgrader opens the course.

Installed with the rest of deploy/instructor-jupyter/ (see docs/deploy.md); an instructor's server
reads it before the shared configuration. The course directory is a checkout of the course
repository in the instructor's own home, ~/code-review-academy unless COURSE_DIR says otherwise;
its nbgrader_config.py (the same file a laptop uses) is loaded as it is.
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

course = os.path.expanduser(os.environ.get("COURSE_DIR", "~/code-review-academy"))
if os.path.isfile(os.path.join(course, "nbgrader_config.py")):
    load_subconfig(os.path.join(course, "nbgrader_config.py"))  # noqa: F821

"""nbgrader configuration shared by everyone on a multi-user hub: install as /etc/jupyter/nbgrader_config.py.

It only says where the class meets: the exchange and the course id. Everything about grading
stays in the course directory's own nbgrader_config.py (the repository root, in the
instructor's home), which nbgrader reads after this file when run from there, so the same
course works unchanged on a laptop. docs/deploy.md explains the layout; tests/hub runs it.
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

# One folder every user can reach (mode 1777: world-writable, sticky so no student can rename
# or replace the course's folder). Students and instructors must see the same path: on
# Kubernetes it is a shared ReadWriteMany volume mounted at this path in every pod.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE_ROOT", "/srv/nbgrader/exchange")

# The course id names the course's folder in the exchange; the instructor's course directory
# reads the same variable (see the root nbgrader_config.py), so the two always agree.
c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "code-review-academy")

# A student fetches into ~/<course id>/<assignment>/, so two courses on one hub never collide
# and the Assignments tab finds the notebooks where it put them.
c.Exchange.path_includes_course = True

# Files a submission leaves out: nbgrader's own list, and the lock file the viewer takes beside
# each review (.<slug>.findings.json.lock; it holds nothing). The course's nbgrader_config.py
# lists the same for collect and autograde.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*.findings.json.lock"]

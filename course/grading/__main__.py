"""`python -m course.grading worker ROOT ASSIGNMENT SUBMITTED`: one grading worker process."""

import sys

from .classgrader import _worker_main

if sys.argv[1:2] == ["worker"]:
    sys.exit(_worker_main(sys.argv[2:]))
sys.exit("usage: python -m course.grading worker ROOT ASSIGNMENT SUBMITTED")

"""`python -m course.grading worker ROOT ASSIGNMENT SUBMITTED`: one grading worker process."""

import sys

from .worker import main

if sys.argv[1:2] == ["worker"]:
    sys.exit(main(sys.argv[2:]))
sys.exit("usage: python -m course.grading worker ROOT ASSIGNMENT SUBMITTED")

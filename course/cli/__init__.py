"""The `course` command: a thin click group over the packages below it. Each command's
docstring is its --help; bank commands live in bank.py, a term's commands in classroom.py,
`course assignment new` in assignment.py, export and extend in term.py."""

from . import assignment, bank, classroom, term  # noqa: F401 - importing them registers their commands
from .main import main

__all__ = ["main"]

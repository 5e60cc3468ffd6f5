"""The `course` command: a thin click group over the packages below it."""

from .commands import main

__all__ = ["main"]

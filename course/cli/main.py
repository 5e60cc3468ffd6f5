"""The `course` command group, and the options its commands share (declared once, here)."""

from __future__ import annotations

import click

from ..keys.bank import Bank, BankError

__all__ = ["bank_option", "course_option", "load_bank", "main"]

bank_option = click.option(
    "--bank",
    "bank_dir",
    type=click.Path(file_okay=False),
    help="Exercise bank folder (default: exercises/ of the course root, or $COURSE_BANK).",
)
course_option = click.option(
    "--course",
    "course_dir",
    type=click.Path(file_okay=False),
    help="Course directory (default: the nearest folder with nbgrader_config.py).",
)


def load_bank(path: str | None) -> Bank:
    try:
        return Bank(path)
    except BankError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
@click.version_option(package_name="code-review-academy")
def main() -> None:
    """Code Review Academy: check the exercise bank, score reviews, grade a class."""

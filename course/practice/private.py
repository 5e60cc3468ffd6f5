"""Practice never opens the private bank: assignment-only exercises (COURSE_PRIVATE_BANK) are
for graded assignments, and a learner's practice session neither opens nor lists them."""

from __future__ import annotations

from ..keys.bank import Bank, BankError

__all__ = ["PrivateExercise", "public_bank"]


class PrivateExercise(BankError):
    """The exercise is in the private bank: graded assignments only, never practice."""


def public_bank(bank: Bank, slug: str) -> Bank:
    """`bank`'s public exercises alone, after refusing `slug` if it is a private one.

    Practice never sees the private bank: not its keys, not its slugs (an unknown slug's error
    lists the public ones only)."""
    if bank.private_root is not None and slug in bank.private_slugs():
        raise PrivateExercise(
            f"'{slug}' is an assignment-only exercise ({bank.private_root / slug / 'exercise.toml'}, "
            "the private bank): practice mode never opens it. Practise with an exercise of the public "
            f"bank {bank.root}."
        )
    return bank.public_only() if bank.private_root is not None else bank

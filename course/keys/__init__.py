"""The only code that reads answer keys: the bank (exercises/<slug>/), the key model, proofs,
`course check`, the catalogue and the instructor's solution.

The student side (course.diff, course.review) never imports this package (import-linter).
"""

from .bank import DIFFICULTIES, INCIDENTS, Bank, BankError, Exercise, find_bank
from .check import Problem, check_exercise
from .model import Decoy, Defect, Key
from .proofs import ProofRun, run_proof, run_proofs
from .solve import solve

__all__ = [
    "DIFFICULTIES",
    "INCIDENTS",
    "Bank",
    "BankError",
    "Decoy",
    "Defect",
    "Exercise",
    "Key",
    "Problem",
    "ProofRun",
    "check_exercise",
    "find_bank",
    "run_proof",
    "run_proofs",
    "solve",
]

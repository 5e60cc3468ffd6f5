"""envctl teardown ENV: delete the stacks of a preview environment."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from .stacks import Stack, StackClient


def find_stacks(client: StackClient, environment: str) -> list[Stack]:
    """The stacks that belong to ``environment``: their names start with it."""
    return [stack for stack in client.list_stacks() if stack.name.startswith(environment)]


def teardown(
    client: StackClient,
    environment: str,
    *,
    assume_yes: bool = False,
    prompt: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> int:
    stacks = find_stacks(client, environment)
    if not stacks:
        print(f"No stacks found for {environment}.", file=out)
        return 0
    print(f"Stacks in {environment}:", file=out)
    for stack in stacks:
        print(f"  {stack.name}", file=out)
    if not assume_yes:
        answer = prompt(f"Delete {len(stacks)} stacks? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Aborted.", file=out)
            return 1
    for stack in stacks:
        client.delete_stack(stack.name)
        print(f"Deleted {stack.name}", file=out)
    return 0


def main(argv: list[str] | None = None, *, client: StackClient) -> int:
    parser = argparse.ArgumentParser(prog="envctl teardown")
    parser.add_argument("environment", help="the environment to tear down, e.g. pr-4821")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    return teardown(client, args.environment, assume_yes=args.yes)

"""``opsctl teardown ENV``: delete every stack in an environment."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from opsctl.stacks import StackClient


def teardown(client: StackClient, environment: str) -> list[str]:
    """Delete every stack in ``environment``; return their names in deletion order."""
    names = sorted(client.list_stacks_in(environment))
    for name in names:
        client.delete_stack(name)
    return names


def main(argv: Sequence[str] | None = None, *, client: StackClient) -> int:
    """Entry point, called by the ``opsctl`` dispatcher with the session's clients."""
    parser = argparse.ArgumentParser(prog="opsctl teardown", description="Delete every stack in an environment.")
    parser.add_argument("environment", help="the environment tag, for example staging or pr-4821")
    args = parser.parse_args(argv)
    for name in teardown(client, args.environment):
        print(f"deleted {name}")
    return 0

"""Print every environment with its owner and when it was last deployed."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from previewenv.client import EnvironmentClient, HttpEnvironmentClient


def format_report(client: EnvironmentClient) -> str:
    """One line per environment, most recently deployed first."""
    environments = sorted(client.list_environments(), key=lambda env: env.last_deployed_at, reverse=True)
    return "\n".join(
        f"{env.name:<32} {env.owner:<16} {env.last_deployed_at:%Y-%m-%d %H:%M} UTC" for env in environments
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m previewenv.report``: print the report."""
    print(format_report(HttpEnvironmentClient.from_env()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Delete preview environments that nobody has deployed to for a while.

Run by the nightly ops job::

    python -m previewenv.cleanup --max-age-days 7            # list what would go
    python -m previewenv.cleanup --max-age-days 7 --apply    # delete it
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from previewenv.client import EnvironmentApiError, EnvironmentClient, HttpEnvironmentClient
from previewenv.models import Environment

log = logging.getLogger(__name__)

# Preview names: "pr-<number>" for current pull requests, "preview-<branch>" for older ones.
_PREVIEW_NAME = re.compile(r"^pr(eview)?-?[\w-]+$")


def is_preview(name: str) -> bool:
    """True when ``name`` is a preview environment's name."""
    return _PREVIEW_NAME.match(name) is not None


def age_of(env: Environment) -> timedelta:
    """How long ago ``env`` was last deployed to."""
    return datetime.now() - env.last_deployed_at.replace(tzinfo=None)


def stale_previews(environments: Iterable[Environment], max_age: timedelta) -> list[Environment]:
    """The preview environments not deployed to for longer than ``max_age``, oldest first."""
    stale = [env for env in environments if is_preview(env.name) and age_of(env) > max_age]
    return sorted(stale, key=lambda env: env.last_deployed_at)


@dataclass
class CleanupResult:
    """What a cleanup run deleted, would have deleted, or failed to delete."""

    deleted: list[str] = field(default_factory=list)
    would_delete: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def cleanup(client: EnvironmentClient, max_age: timedelta, *, dry_run: bool) -> CleanupResult:
    """Delete (or, in a dry run, only list) the stale preview environments."""
    result = CleanupResult()
    for env in stale_previews(client.list_environments(), max_age):
        if dry_run:
            result.would_delete.append(env.name)
            continue
        try:
            client.delete_environment(env.name)
        except EnvironmentApiError as exc:
            log.error("could not delete %s: %s", env.name, exc)
            result.failed[env.name] = str(exc)
        else:
            log.info("deleted %s (owner %s, idle %s)", env.name, env.owner, age_of(env))
            result.deleted.append(env.name)
    return result


def main(argv: Sequence[str] | None = None, client: EnvironmentClient | None = None) -> int:
    """``python -m previewenv.cleanup``: exit status 1 when any delete failed."""
    parser = argparse.ArgumentParser(description="Delete stale preview environments.")
    parser.add_argument("--max-age-days", type=int, default=7, help="idle days before a preview is stale")
    parser.add_argument(
        "--apply",
        dest="dry_run",
        action="store_false",
        default=False,
        help="delete the stale environments (default: only list them)",
    )
    args = parser.parse_args(argv)
    if args.max_age_days < 1:
        parser.error("--max-age-days must be at least 1")
    result = cleanup(client or HttpEnvironmentClient.from_env(), timedelta(days=args.max_age_days), dry_run=args.dry_run)
    for name in result.would_delete:
        print(f"would delete {name}")
    for name in result.deleted:
        print(f"deleted {name}")
    for name, error in result.failed.items():
        print(f"failed to delete {name}: {error}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())

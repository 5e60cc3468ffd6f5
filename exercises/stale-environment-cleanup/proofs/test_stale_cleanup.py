"""Proofs for the stale preview cleanup: each test shows one planted defect."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import previewenv.cleanup as cleanup_module
from previewenv.cleanup import cleanup, main, stale_previews
from previewenv.client import InMemoryEnvironmentClient
from previewenv.models import Environment

# A fixed instant, and the clock of an ops host that runs in UTC+8.
INSTANT = datetime(2026, 1, 20, 12, 0, tzinfo=timezone.utc)
HOST_ZONE = timezone(timedelta(hours=8))


class HostClock(datetime):
    """``datetime`` as seen on that host at INSTANT: a naive ``now()`` is local time."""

    @classmethod
    def now(cls, tz=None):
        if tz is None:
            return INSTANT.astimezone(HOST_ZONE).replace(tzinfo=None)
        return INSTANT.astimezone(tz)


def idle(name: str, idle_for: timedelta) -> Environment:
    deployed = INSTANT - idle_for
    return Environment(name, "platform", deployed - timedelta(days=30), deployed)


def test_production_is_never_a_cleanup_candidate(monkeypatch):
    """Production environments (prod-<region>) must never be deleted, however idle."""
    monkeypatch.setattr(cleanup_module, "datetime", HostClock)
    client = InMemoryEnvironmentClient(
        [
            idle("prod-cn-north-1", timedelta(days=40)),
            idle("prod-eu-west-1", timedelta(days=12)),
            idle("pr-4821", timedelta(days=30)),
        ]
    )
    result = cleanup(client, timedelta(days=7), dry_run=False)
    assert client.deleted == ["pr-4821"], f"cleanup deleted {client.deleted}"
    assert result.failed == {}


def test_default_run_deletes_nothing(monkeypatch, capsys):
    """Without --apply the script must only list what it would delete."""
    monkeypatch.setattr(cleanup_module, "datetime", HostClock)
    client = InMemoryEnvironmentClient([idle("pr-4821", timedelta(days=30))])
    assert main(["--max-age-days", "7"], client=client) == 0
    assert client.deleted == [], "a run without --apply deleted environments"
    assert capsys.readouterr().out == "would delete pr-4821\n"


def test_age_is_measured_in_utc_whatever_the_host_zone(monkeypatch):
    """A preview deployed 6 days 20 hours ago is not older than 7 days, on any host."""
    monkeypatch.setattr(cleanup_module, "datetime", HostClock)
    recent = idle("pr-4821", timedelta(days=6, hours=20))
    assert cleanup_module.age_of(recent) == timedelta(days=6, hours=20)
    assert stale_previews([recent], timedelta(days=7)) == []

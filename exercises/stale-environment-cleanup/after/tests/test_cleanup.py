from datetime import datetime, timedelta, timezone

import pytest

from previewenv.cleanup import cleanup, is_preview, main, stale_previews
from previewenv.client import InMemoryEnvironmentClient
from previewenv.models import Environment

NOW = datetime.now(timezone.utc)


def env(name: str, idle_days: float) -> Environment:
    deployed = NOW - timedelta(days=idle_days)
    return Environment(name, "dana", deployed - timedelta(days=1), deployed)


@pytest.mark.parametrize("name", ["pr-4821", "pr-17", "preview-login-page"])
def test_preview_names_are_recognised(name):
    assert is_preview(name)


@pytest.mark.parametrize("name", ["staging", "sandbox-pr-12", "load-test"])
def test_other_names_are_not_previews(name):
    assert not is_preview(name)


def test_only_previews_idle_for_longer_than_max_age_are_stale():
    environments = [env("pr-1", 30), env("pr-2", 2), env("staging", 60), env("preview-old-ui", 10)]
    stale = stale_previews(environments, timedelta(days=7))
    assert [e.name for e in stale] == ["pr-1", "preview-old-ui"]


def test_dry_run_deletes_nothing():
    client = InMemoryEnvironmentClient([env("pr-1", 30)])
    result = cleanup(client, timedelta(days=7), dry_run=True)
    assert result.would_delete == ["pr-1"] and client.deleted == []


def test_apply_deletes_stale_previews(capsys):
    client = InMemoryEnvironmentClient([env("pr-1", 30), env("pr-2", 1)])
    assert main(["--max-age-days", "7", "--apply"], client=client) == 0
    assert client.deleted == ["pr-1"]
    assert capsys.readouterr().out == "deleted pr-1\n"

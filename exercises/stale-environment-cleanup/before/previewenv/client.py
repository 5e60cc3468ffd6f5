"""A client for the environments API, and an in-memory stand-in for tests."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterable
from typing import Protocol

from previewenv.models import Environment


class EnvironmentApiError(RuntimeError):
    """The environments API refused or failed a request."""


class EnvironmentClient(Protocol):
    """The calls previewenv makes to the environments API."""

    def list_environments(self) -> list[Environment]:
        """Every environment in the account: production, staging and previews."""
        ...

    def delete_environment(self, name: str) -> None:
        """Tear down the environment called ``name`` and everything in it."""
        ...


class HttpEnvironmentClient:
    """EnvironmentClient over HTTP, configured from ``PREVIEWENV_API`` and ``PREVIEWENV_TOKEN``."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    @classmethod
    def from_env(cls) -> HttpEnvironmentClient:
        return cls(os.environ["PREVIEWENV_API"], os.environ["PREVIEWENV_TOKEN"])

    def _request(self, method: str, path: str) -> bytes:
        request = urllib.request.Request(
            self._base_url + path,
            method=method,
            headers={"Authorization": f"Bearer {self._token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return response.read()
        except OSError as exc:
            raise EnvironmentApiError(f"{method} {path}: {exc}") from exc

    def list_environments(self) -> list[Environment]:
        items = json.loads(self._request("GET", "/environments"))
        return [Environment.from_api(item) for item in items]

    def delete_environment(self, name: str) -> None:
        self._request("DELETE", f"/environments/{name}")


class InMemoryEnvironmentClient:
    """EnvironmentClient over a list, for tests. ``deleted`` records each delete."""

    def __init__(self, environments: Iterable[Environment]) -> None:
        self._environments = {env.name: env for env in environments}
        self.deleted: list[str] = []

    def list_environments(self) -> list[Environment]:
        return list(self._environments.values())

    def delete_environment(self, name: str) -> None:
        if name not in self._environments:
            raise EnvironmentApiError(f"no environment {name}")
        del self._environments[name]
        self.deleted.append(name)

"""Client for the central configuration service."""

from __future__ import annotations

import http.client
import json
import urllib.request
from typing import Any

# Checkout waits on this call; a slow config service must not hold an order for longer.
FETCH_TIMEOUT_S = 1.0


class ConfigUnavailable(Exception):
    """The configuration service could not be reached, or sent something unusable."""


class ConfigClient:
    """Fetches one named document from the configuration service."""

    def __init__(self, base_url: str, document: str) -> None:
        self._url = f"{base_url.rstrip('/')}/v1/documents/{document}"

    def fetch(self) -> dict[str, Any]:
        """The document's current value.

        Raises ConfigUnavailable when the service cannot be reached, answers with an HTTP error,
        or sends anything but a JSON object.
        """
        try:
            request = urllib.request.Request(self._url, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
                payload = json.load(response)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise ConfigUnavailable(f"cannot fetch {self._url}: {exc}") from exc
        if not isinstance(payload, dict):
            raise ConfigUnavailable(f"{self._url} did not return a JSON object")
        return payload

"""The request and response shapes the web server adapter hands to handlers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    """An incoming request. Header names are lower-case."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    """A JSON response: the adapter sends ``body`` as application/json."""

    status: int
    body: dict[str, object]

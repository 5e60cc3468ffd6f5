"""Environments as the environments API describes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


def parse_timestamp(text: str) -> datetime:
    """Parse an API timestamp such as ``2026-01-05T09:30:00Z`` into an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


@dataclass(frozen=True)
class Environment:
    """One deployed environment: production, staging or a preview."""

    name: str
    owner: str
    created_at: datetime
    last_deployed_at: datetime

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> Environment:
        """Build an Environment from one item of the API's ``GET /environments`` response."""
        return cls(
            name=item["name"],
            owner=item.get("owner", "unknown"),
            created_at=parse_timestamp(item["createdAt"]),
            last_deployed_at=parse_timestamp(item["lastDeployedAt"]),
        )

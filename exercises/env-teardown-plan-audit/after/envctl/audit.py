"""The teardown audit log: one JSON object a line, appended and flushed to disk per event."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any


class AuditLog:
    """Appends events about one teardown run to ``path``.

    Every record carries the time, the operator and the environment, so a reader can
    reconstruct who planned, confirmed and deleted what. A record is on disk before
    ``record`` returns: if the log cannot be written, the caller sees the error before
    it goes on to delete anything.
    """

    def __init__(
        self,
        path: Path,
        *,
        operator: str,
        environment: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.path = path
        self.operator = operator
        self.environment = environment
        self._clock = clock

    def record(self, event: str, **details: Any) -> None:
        entry = {
            "at": self._clock().isoformat(),
            "event": event,
            "operator": self.operator,
            "environment": self.environment,
            **details,
        }
        line = json.dumps(entry, sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as log:
            log.write(line)
            log.flush()
            os.fsync(log.fileno())


def read_events(path: Path) -> list[dict[str, Any]]:
    """Every record in the log, oldest first."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]

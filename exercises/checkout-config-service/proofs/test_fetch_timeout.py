"""Proof: a config service that accepts the connection and never answers must not hang checkout.

Waiting for a hang to show would make this proof as slow as the hang. Instead it records the
deadline the client gives its connection (the same deadline bounds every read on that socket),
then refuses the connection so that the call returns at once either way.
"""

import socket

import pytest

from checkoutflow.config_client import ConfigClient, ConfigUnavailable

# Checkout's own patience: a fetch on the order path must give up well before this.
LONGEST_ACCEPTABLE_WAIT_S = 5.0


def test_fetch_gives_up_on_a_service_that_never_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    deadlines: list[float | None] = []

    def refuse(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, *args, **kwargs):  # noqa: ANN001
        # No timeout argument means the process-wide default, which is None (wait forever).
        if timeout is socket._GLOBAL_DEFAULT_TIMEOUT:
            timeout = socket.getdefaulttimeout()
        deadlines.append(timeout)
        raise ConnectionRefusedError("refused by the proof")

    monkeypatch.setattr(socket, "create_connection", refuse)
    with pytest.raises(ConfigUnavailable):
        ConfigClient("http://127.0.0.1:9", "checkout/settings").fetch()
    assert deadlines, "fetch() never opened a connection"
    wait = deadlines[0]
    assert wait is not None, "fetch() has no deadline: a silent config service holds checkout forever"
    assert wait <= LONGEST_ACCEPTABLE_WAIT_S, f"fetch() may wait {wait} s on every refresh"

"""Proof: a config service that accepts the connection and never answers must not hang checkout."""

import socket
import threading

from checkoutflow.config_client import ConfigClient, ConfigUnavailable


def test_fetch_gives_up_on_a_service_that_never_answers() -> None:
    # A listening socket that is never accepted from: the TCP handshake completes, no reply comes.
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    host, port = silent.getsockname()
    client = ConfigClient(f"http://{host}:{port}", "checkout/settings")
    outcome: dict[str, BaseException] = {}

    def call() -> None:
        try:
            client.fetch()
        except BaseException as exc:  # recorded and asserted on below
            outcome["raised"] = exc

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(timeout=5.0)
    still_waiting = caller.is_alive()
    silent.close()  # resets the pending connection, which releases a stuck caller
    assert not still_waiting, "fetch() still waiting after 5 s; every checkout would wait with it"
    assert isinstance(outcome.get("raised"), ConfigUnavailable)

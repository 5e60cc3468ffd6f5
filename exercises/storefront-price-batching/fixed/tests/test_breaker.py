import pytest
from fakes import FakeClock

from pricefront.breaker import CircuitBreaker, CircuitOpen


def fail() -> None:
    raise OSError("down")


def failures(breaker: CircuitBreaker, count: int) -> None:
    for _ in range(count):
        with pytest.raises(OSError):
            breaker.call(fail)


def test_the_circuit_opens_after_enough_failures_in_a_row() -> None:
    breaker = CircuitBreaker("pricing", failure_threshold=3, clock=FakeClock())
    failures(breaker, 2)
    assert breaker.call(lambda: "ok") == "ok"  # a success resets the count
    failures(breaker, 3)
    assert breaker.state == "open"


def test_an_open_circuit_does_not_call_the_dependency() -> None:
    calls: list[str] = []
    breaker = CircuitBreaker("pricing", failure_threshold=1, clock=FakeClock())
    failures(breaker, 1)
    with pytest.raises(CircuitOpen):
        breaker.call(lambda: calls.append("called"))
    assert calls == []


def test_after_the_cooldown_one_trial_call_closes_the_circuit() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("pricing", failure_threshold=1, reset_after_s=10, clock=clock)
    failures(breaker, 1)
    clock.advance(10)
    assert breaker.state == "half-open"
    assert breaker.call(lambda: "ok") == "ok"
    assert breaker.state == "closed"


def test_a_failed_trial_opens_the_circuit_again() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("pricing", failure_threshold=2, reset_after_s=10, clock=clock)
    failures(breaker, 2)
    clock.advance(10)
    failures(breaker, 1)
    assert breaker.state == "open"
    clock.advance(9)
    assert breaker.state == "open"

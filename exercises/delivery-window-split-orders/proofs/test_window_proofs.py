"""Proofs for delivery-window-split-orders: each test fails on after/ and passes on fixed/."""

from __future__ import annotations

from datetime import date, datetime, timezone

from promisewindows.orders import OrderLine, order_window, split_into_packages
from promisewindows.promise import promise_window, transit_days
from promisewindows.warehouses import WAREHOUSES

# Thursday 12 March 2026, 15:00 UTC: 11:00 in Indianapolis, before its 14:00 cutoff.
THURSDAY_MORNING = datetime(2026, 3, 12, 15, 0, tzinfo=timezone.utc)
# Monday 9 March 2026, 15:00 UTC: 11:00 in Indianapolis and Philadelphia.
MONDAY_MORNING = datetime(2026, 3, 9, 15, 0, tzinfo=timezone.utc)


def test_window_end_is_two_business_days_after_its_start() -> None:
    # Dispatched Thursday, one business day to the central zone: Friday 13 March.
    window = promise_window(THURSDAY_MORNING, WAREHOUSES["IND2"], "central")
    assert window.earliest == date(2026, 3, 13)
    assert window.latest == date(2026, 3, 17), (
        f"the window ends on {window.latest:%A %d %B}, not two business days after Friday "
        "(Tuesday 17 March)"
    )


def test_air_lanes_are_for_members_only() -> None:
    # RNO1 has an overnight air lane to the east; a shopper without FastLane gets ground: 4 days.
    days = transit_days(WAREHOUSES["RNO1"], "east", member=False)
    assert days == 4, f"a non-member was promised {days} day(s) of transit over a members' air lane"
    window = promise_window(MONDAY_MORNING, WAREHOUSES["RNO1"], "east", member=False)
    assert window.earliest == date(2026, 3, 13)


def test_an_order_cannot_arrive_before_its_slowest_package() -> None:
    lines = [OrderLine("KETTLE-1", 1, "PHL3"), OrderLine("MUG-4", 2, "IND2")]
    packages = split_into_packages(lines, MONDAY_MORNING, "east")
    # PHL3 to the east: from Tuesday 10 March. IND2 to the east: from Wednesday 11 March.
    window = order_window(packages)
    assert window.earliest == date(2026, 3, 11), (
        f"the order is promised from {window.earliest:%A %d %B}, but its IND2 package cannot "
        "arrive before Wednesday 11 March"
    )

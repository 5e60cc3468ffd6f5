from datetime import date, datetime, timezone

from promisewindows.orders import OrderLine, order_promise
from promisewindows.promise import dispatch_day, promise_date
from promisewindows.warehouses import WAREHOUSES

# Tuesday 10 March 2026, 15:00 UTC: 11:00 in Indianapolis and Philadelphia, 08:00 in Reno.
TUESDAY_MORNING = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)
# Tuesday 10 March 2026, 20:00 UTC: 16:00 in Indianapolis, after its 14:00 cutoff.
TUESDAY_EVENING = datetime(2026, 3, 10, 20, 0, tzinfo=timezone.utc)


def test_orders_before_the_cutoff_ship_the_same_day() -> None:
    assert dispatch_day(TUESDAY_MORNING, WAREHOUSES["IND2"]) == date(2026, 3, 10)


def test_orders_after_the_cutoff_ship_the_next_business_day() -> None:
    assert dispatch_day(TUESDAY_EVENING, WAREHOUSES["IND2"]) == date(2026, 3, 11)


def test_saturday_orders_ship_on_monday() -> None:
    saturday = datetime(2026, 3, 14, 15, 0, tzinfo=timezone.utc)
    assert dispatch_day(saturday, WAREHOUSES["PHL3"]) == date(2026, 3, 16)


def test_promise_adds_transit_in_business_days() -> None:
    # Dispatched Tuesday, two business days to the east: Thursday.
    assert promise_date(TUESDAY_MORNING, WAREHOUSES["IND2"], "east") == date(2026, 3, 12)


def test_an_order_is_promised_for_its_slowest_line() -> None:
    lines = [OrderLine("KETTLE-1", 1, "PHL3"), OrderLine("MUG-4", 2, "RNO1")]
    # PHL3 to the east: Wednesday. RNO1 to the east: four business days, Monday.
    assert order_promise(lines, TUESDAY_MORNING, "east") == date(2026, 3, 16)

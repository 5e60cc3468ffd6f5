from datetime import date, datetime, timezone

from promisewindows.orders import OrderLine, order_window, split_into_packages
from promisewindows.promise import PromiseWindow, dispatch_day, promise_window, transit_days
from promisewindows.warehouses import WAREHOUSES

# Monday 9 March 2026, 15:00 UTC: 11:00 in Indianapolis and Philadelphia, 08:00 in Reno.
MONDAY_MORNING = datetime(2026, 3, 9, 15, 0, tzinfo=timezone.utc)
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


def test_members_get_fast_track_in_their_own_zone() -> None:
    assert transit_days(WAREHOUSES["IND2"], "central", member=True) == 1
    assert transit_days(WAREHOUSES["IND2"], "east", member=True) == 2


def test_members_get_fast_track_over_an_air_lane() -> None:
    assert transit_days(WAREHOUSES["RNO1"], "east", member=True) == 1


def test_the_window_runs_two_business_days_from_the_planned_arrival() -> None:
    # Dispatched Monday, two business days to the east: Wednesday to Friday.
    window = promise_window(MONDAY_MORNING, WAREHOUSES["IND2"], "east")
    assert (window.earliest, window.latest) == (date(2026, 3, 11), date(2026, 3, 13))


def test_window_label() -> None:
    window = PromiseWindow(date(2026, 3, 11), date(2026, 3, 13))
    assert window.label() == "Arrives Wed 11 Mar - Fri 13 Mar"
    assert PromiseWindow(date(2026, 3, 11), date(2026, 3, 11)).label() == "Arrives Wed 11 Mar"


def test_an_order_splits_into_one_package_per_warehouse() -> None:
    lines = [
        OrderLine("KETTLE-1", 1, "PHL3"),
        OrderLine("MUG-4", 2, "RNO1"),
        OrderLine("TEA-9", 3, "PHL3"),
    ]
    packages = split_into_packages(lines, MONDAY_MORNING, "east")
    assert [(p.warehouse, [line.sku for line in p.lines]) for p in packages] == [
        ("PHL3", ["KETTLE-1", "TEA-9"]),
        ("RNO1", ["MUG-4"]),
    ]


def test_an_order_arrives_with_its_slowest_package() -> None:
    lines = [OrderLine("KETTLE-1", 1, "PHL3"), OrderLine("MUG-4", 2, "IND2")]
    packages = split_into_packages(lines, MONDAY_MORNING, "east")
    # PHL3 to the east arrives Tuesday at the earliest; IND2 is slower, up to Friday.
    assert order_window(packages).latest == date(2026, 3, 13)

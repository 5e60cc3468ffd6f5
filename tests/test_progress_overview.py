"""My Progress (course.practice.overview and page) after a learner walk-through: what to do next
is one or two concrete steps in course order (never the capstone or an expert exercise first)
with the rest grouped by notebook; a category is called weak only on enough defects, and says
how many; drills do not count toward category recall; dates where the time is not needed, UTC
where it is; the plot is transparent with a grey that reads on light and dark pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from course.keys.bank import Bank
from course.practice import my_progress
from course.practice.overview import MIN_WEAK, overview
from course.practice.page import drills_due, first_steps, fmt_due, plot_png
from course.practice.record import Attempt, DefectOutcome, LearnerRecord

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "exercises"
FIRST = "catalog-search-filter"  # 00.00's warm-up, easy


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A learner's folder: the course notebooks (which name the exercises and their titles)."""
    for nb in (ROOT / "notebooks").glob("0*.ipynb"):
        shutil.copy(nb, tmp_path / nb.name)
    return tmp_path


def attempt(day: int, exercise: str = FIRST, kind: str = "review", *defects: DefectOutcome, score=0.5) -> Attempt:
    return Attempt(
        time=f"2026-11-{day:02d}T10:00:00Z",
        exercise=exercise,
        kind=kind,
        score=score,
        recall=0.5,
        precision=1.0,
        verdict_correct=True,
        defects=defects or (DefectOutcome("a", "found", "security", "injection"),),
    )


def page(folder: Path) -> str:
    return my_progress(folder, bank=BANK)._repr_mimebundle_()["text/html"]


def heavy(bank: Bank) -> set[str]:
    """The exercises never to offer as a first step: the capstone and the expert ones."""
    return {e.slug for e in bank if e.difficulty == "expert" or "capstone" in e.slug}


def test_an_empty_record_offers_the_first_exercise_then_the_rest_by_notebook(folder):
    html = page(folder)
    head, rest = html.split("<details>", 1)
    named = set(re.findall(r"<code>([a-z0-9-]+)</code>", head))
    assert named == {FIRST}  # one concrete first step, not a wall of 24
    assert "<b>Search page: keyword search with brand, price and stock filters</b>" in head
    listed = re.findall(r"<code>([a-z0-9-]+)</code>", rest)
    assert len(listed) == len(set(listed)) == len(list(Bank(BANK)))
    # grouped by notebook, in course order, each notebook title a relative link to it
    links = re.findall(r'<h4><a href="([^"]+)">([^<]+)</a></h4>', rest)
    assert [href for href, _ in links] == sorted(href for href, _ in links)
    assert ("01.00-December-2025-The-Agent-That-Recreated-An-Environment.ipynb", "December 2025: the agent that recreated an environment") in links  # fmt: skip
    # within a notebook, easiest first, each with its difficulty
    group = rest.split("<h4>")[2]  # 01.00's
    difficulties = re.findall(r"</code>, (easy|medium|hard|expert)\)", group)
    order = ["easy", "medium", "hard", "expert"]
    assert difficulties and difficulties == sorted(difficulties, key=order.index)


def test_the_next_step_follows_course_order_and_is_never_the_capstone_or_expert(folder):
    bank = Bank(BANK)
    record = LearnerRecord(folder)
    record.append(attempt(1, FIRST))
    ov = overview(folder, bank)
    assert ov.next_exercise().slug == "cleanup-confirmation-guard"  # 01.00's easy one, not alphabetical
    # every exercise fit for a first step tried: the capstone and expert ones are still not offered
    for day, e in enumerate(e for e in bank if e.slug not in heavy(bank)):
        record.append(attempt(day % 27 + 1, e.slug, score=0.9))
    ov = overview(folder, bank)
    assert ov.next_exercise() is None
    steps = " ".join(first_steps(ov))
    assert not [slug for slug in heavy(bank) if slug in steps]
    assert "Only the capstone or expert exercises are left" in steps


def test_notebook_titles_and_names_are_escaped_in_the_list(tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    nb = {"cells": [{"cell_type": "markdown", "source": f"# {hostile}"}, f'practice("{FIRST}")']}
    (tmp_path / '00.00-<b id="x">.ipynb').write_text(json.dumps(nb))
    html = page(tmp_path)
    assert hostile not in html and '<b id="x">' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;</a>" in html
    assert 'href="00.00-%3Cb%20id%3D%22x%22%3E.ipynb"' in html


def test_a_category_is_weak_only_on_enough_defects_and_says_how_many(folder):
    bank = Bank(BANK)

    def missed(n: int) -> DefectOutcome:  # a different defect each time: a retry's would count once
        return DefectOutcome(f"b{n}", "missed", "edge-case", "boundary-off-by-one")

    record = LearnerRecord(folder)
    for day in range(1, MIN_WEAK):
        record.append(attempt(day, FIRST, "review", missed(day)))
    assert overview(folder, bank).weakest is None  # 2 defects: too few to call it weak
    assert "weakest" not in page(folder)
    record.append(attempt(MIN_WEAK, FIRST, "review", missed(MIN_WEAK)))
    ov = overview(folder, bank)
    assert ov.weakest is not None and ov.weakest.category == "edge-case"
    html = page(folder)
    assert "Your weakest category is <b>edge-case</b>" in html and f"({MIN_WEAK} defects so far)" in html
    [step] = [s for s in first_steps(ov) if "weakest" in s]
    [trains] = re.findall(r"<code>([a-z0-9-]+)</code>", step)
    exercise = bank.get(trains)
    assert "edge-case" in {d.category for d in exercise.key.defects}  # it trains that category
    assert trains not in heavy(bank) and trains != ov.next_exercise().slug and trains != FIRST
    # once every fit exercise with edge-case defects is tried, no capstone or expert one stands in
    for e in bank:
        if e.slug not in heavy(bank) and "edge-case" in {d.category for d in e.key.defects}:
            record.append(attempt(9, e.slug))
    ov = overview(folder, bank)
    [step] = [s for s in first_steps(ov) if "weakest" in s]
    assert "Read your next diff once for that kind of problem alone" in step
    assert not [slug for slug in heavy(bank) if slug in step]


def test_drills_do_not_count_toward_category_recall(folder):
    missed = DefectOutcome("b", "missed", "edge-case", "boundary-off-by-one")
    found = DefectOutcome("b", "found", "edge-case", "boundary-off-by-one")
    record = LearnerRecord(folder)
    record.append(attempt(1, FIRST, "review", missed))
    record.append(attempt(2, "order-lookup-endpoint", "review", replace(missed, id="c")))
    record.append(attempt(3, FIRST, "drill", found))
    [edge] = [c for c in overview(folder, Bank(BANK)).categories if c.category == "edge-case"]
    assert (edge.met, edge.found, edge.attempts) == (2, 0, 2)
    assert (len(edge.drill_outcomes), edge.drill_found) == (1, 1)
    html = page(folder)
    assert "Counted over your reviews only" in html
    row = re.search(r"<tr><td>edge-case</td>(.*?)</tr>", html).group(1)  # type: ignore[union-attr]
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["2", "2", "0", "0", "0%", "0%", "1/1"]


def test_a_defect_flagged_under_another_category_is_counted_apart_in_its_categorys_row(folder):
    """Walk-through 7: a security defect flagged as "logic" showed as found in security's row,
    as if the learner had seen it as a security problem."""
    other = DefectOutcome("b", "miscategorised", "edge-case", "boundary-off-by-one")
    record = LearnerRecord(folder)
    record.append(attempt(1, FIRST, "review", other))
    record.append(attempt(2, "order-lookup-endpoint", "review", replace(other, id="c", status="found")))
    [edge] = [c for c in overview(folder, Bank(BANK)).categories if c.category == "edge-case"]
    assert (edge.met, edge.found, edge.other, edge.credited) == (2, 1, 1, 2)
    assert edge.recall == 1.0  # as the score's recall: the lines were found
    html = page(folder)
    row = re.search(r"<tr><td>edge-case</td>(.*?)</tr>", html).group(1)  # type: ignore[union-attr]
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[:4] == ["2", "2", "1", "1"]
    assert "<th>other category</th>" in html.replace(' class="num"', "")
    # walk 30: whose category a row is (the key's, not the one the learner filed under)
    assert "<th>the key&#x27;s category</th>" in html and "a defect counts in its own row" in html


def test_drill_dates_are_days_and_a_time_shown_says_utc(folder):
    LearnerRecord(folder).append(attempt(1, FIRST))
    ov = overview(folder, Bank(BANK))
    now = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # before the attempt's card is due
    html = drills_due(ov, now=now)
    assert re.search(r"is due on \d{4}-\d{2}-\d{2}\.", html)
    assert not re.search(r"\d{2}:\d{2}", html)  # no minutes where the day is what counts
    later = dt.datetime(2026, 11, 5, 9, 30, tzinfo=dt.UTC)
    assert fmt_due(later, now) == "on 2026-11-05"
    assert fmt_due(later, later.replace(hour=1)) == "later today (09:30 UTC)"
    assert "<th>when (UTC)</th>" in page(folder)  # the history shows times: it says UTC


def test_the_png_plot_is_transparent_with_grey_text(folder):
    from matplotlib.image import imread

    LearnerRecord(folder).append(attempt(1, FIRST))
    pixels = imread(io.BytesIO(plot_png(overview(folder, Bank(BANK)))), format="png")
    assert pixels.shape[2] == 4 and pixels[0, 0, 3] == 0  # a corner shows the page behind it
    html = page(folder)
    assert "background: #fff" not in html  # the page no longer paints the image white


def test_the_next_step_names_the_exercise_after_its_verb(tmp_path):
    """Walk-through 18 read "Review ... in December 2025: the agent that recreated an environment
    next." as garbled: the notebook's title, with its colon, now ends the sentence."""
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "01.00-December.ipynb").write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "markdown", "source": "# December 2025: the agent"},
                    'practice("cleanup-confirmation-guard")',
                ]
            }
        )
    )
    LearnerRecord(folder).append(attempt(1, FIRST))
    [step] = [s for s in first_steps(overview(folder, Bank(BANK))) if "review" in s.lower()]
    assert step.startswith("Next, review <b>") and step.endswith("December 2025: the agent</a>.")

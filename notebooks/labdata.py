"""A synthetic data set of pull requests for the review-at-scale lab. Every row is made up.

The model behind it is deliberately simple and stated in full, so a learner can check what
they find against how the data was made:

- a pull request's size (lines changed) is log-normal; defects are planted in proportion to size;
- a reviewer has a limited attention budget per day, shared by the pull requests waiting in the
  queue when this one arrives, so review minutes grow with size but far more slowly, and shrink
  when the queue is long;
- each planted defect is caught with probability 1 - exp(-minutes per 100 lines / 12);
- a defect that is not caught escapes, and each escaped defect causes an incident with
  probability 0.15.

None of these numbers is a measurement of any real team. The lab notebook puts the real,
published figures beside the synthetic ones, with their sources.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["pull_requests", "MODEL"]

MODEL = {
    "defects_per_100_lines": 0.8,
    "daily_attention_minutes": 120.0,
    "minutes_per_100_lines_for_half_catch": 12.0 * np.log(2),
    "incident_probability_per_escape": 0.15,
}


def pull_requests(n: int = 4000, *, seed: int = 2026) -> pd.DataFrame:
    """Return `n` synthetic pull requests (one row each). Same seed, same data."""
    rng = np.random.default_rng(seed)
    week = rng.integers(1, 27, size=n)
    # Later weeks bring more pull requests at once: the queue a reviewer faces grows.
    queue = rng.poisson(1.0 + week / 6.0)
    lines = np.clip(np.round(rng.lognormal(mean=4.3, sigma=1.0, size=n)), 2, 5000).astype(int)
    files = np.clip(np.round(1 + lines / rng.uniform(40, 120, size=n)), 1, None).astype(int)
    planted = rng.poisson(lines / 100.0 * MODEL["defects_per_100_lines"])
    wanted = 5 + 0.08 * lines  # minutes the reviewer would like to spend
    available = MODEL["daily_attention_minutes"] / (1 + queue)
    minutes = np.minimum(wanted, available) * rng.uniform(0.7, 1.3, size=n)
    minutes = np.round(np.maximum(minutes, 1.0), 1)
    per_100 = minutes / (lines / 100.0)
    p_catch = 1 - np.exp(-per_100 / 12.0)
    caught = rng.binomial(planted, p_catch)
    escaped = planted - caught
    incidents = rng.binomial(escaped, MODEL["incident_probability_per_escape"])
    comments = rng.poisson(0.4 + caught * 1.2 + minutes / 15.0)
    frame = pd.DataFrame(
        {
            "pr_id": [f"PR-{i:05d}" for i in range(1, n + 1)],
            "week": week,
            "queue_at_open": queue,
            "lines_changed": lines,
            "files_changed": files,
            "review_minutes": minutes,
            "review_comments": comments,
            "defects_planted": planted,
            "defects_caught": caught,
            "defects_escaped": escaped,
            "incidents": incidents,
        }
    )
    frame.attrs["synthetic"] = True
    frame.attrs["description"] = "Synthetic pull requests for the review-at-scale lab; not real data."
    return frame

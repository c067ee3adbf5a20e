"""The fits on the real data in ../shared/data: readers checked against official results,
and the held-out quality targets of issue 5."""

import csv
from datetime import date
from pathlib import Path

import pytest

from dbt_project.fitting.results import load_results
from dbt_project.fitting.xg import fit_xg

pytestmark = pytest.mark.shared_data

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
INTERNATIONAL = DATA / "results" / "international"


def _copy_rows(source: Path, target: Path, keep) -> None:
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([rows[0]] + [r for r in rows[1:] if keep(r)])


def test_2022_world_cup_final_goes_to_extra_time_level_at_2_2(tmp_path):
    # Official: Argentina 3-3 France after extra time (2-2 after 90), Argentina won on penalties.
    final = lambda row: row[:3] == ["2022-12-18", "Argentina", "France"]  # noqa: E731
    for name in ("results.csv", "goalscorers.csv", "shootouts.csv"):
        _copy_rows(INTERNATIONAL / name, tmp_path / name, final)
    (result,) = load_results(tmp_path)
    assert result.date == date(2022, 12, 18)
    assert result.score_at(90) == (2, 2)
    assert result.score_at(120) == (3, 3)
    assert result.went_to_extra_time


def test_xg_model_reaches_the_target_auc_on_the_held_out_world_cup():
    fit = fit_xg(DATA / "statsbomb")
    assert fit.holdout_matches == 48  # the 2018 group stage, none used for fitting
    assert fit.train_matches == 139 - 48
    assert fit.holdout_metrics["auc"] >= 0.78

"""The fits on the real data in ../shared/data: readers checked against official results,
and the held-out quality targets of issue 5."""

import csv
import gzip
import json
import math
from datetime import date
from pathlib import Path

import pytest

from dbt_project.fitting.results import load_results
from dbt_project.fitting.shots import Shot
from dbt_project.fitting.xg import fit_xg, predict

pytestmark = pytest.mark.shared_data

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
INTERNATIONAL = DATA / "results" / "international"
SEED = Path(__file__).resolve().parents[3] / "dbt_project" / "seeds" / "xg_coefficients.csv"


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


@pytest.fixture(scope="module")
def xg_fit():
    return fit_xg(DATA / "statsbomb")


def test_xg_model_is_on_a_par_with_statsbombs_own_on_the_held_out_world_cup(xg_fit):
    assert xg_fit.holdout_matches == 48  # the 2018 group stage: the World Cup's days, none used for fitting
    assert xg_fit.train_matches == 139 - 48
    assert xg_fit.holdout_metrics["auc"] >= xg_fit.provider_metrics["auc"] - 0.02
    assert xg_fit.holdout_metrics["log_loss"] <= 0.28


def _penalties_outside_the_world_cup() -> tuple[int, int]:
    """(penalties, scored) of regular play in every StatsBomb match not played on the days of
    the 2018 World Cup, counted from the raw events."""
    taken = scored = 0
    for match in json.loads((DATA / "statsbomb" / "matches.json").read_text()):
        if match.get("match_date") and "2018-06-14" <= match["match_date"] <= "2018-07-15":
            continue
        with gzip.open(DATA / "statsbomb" / "events" / f"{match['match_id']}.json.gz", "rt") as handle:
            for event in json.load(handle):
                shot = event.get("shot")
                if shot and event["period"] != 5 and shot["type"]["name"] == "Penalty":
                    taken += 1
                    scored += shot["outcome"]["name"] == "Goal"
    return taken, scored


def test_xg_of_a_penalty_is_the_conversion_rate_of_the_fitting_data(xg_fit):
    taken, scored = _penalties_outside_the_world_cup()
    assert (taken, scored) == (30, 24)
    seeded = {row["feature"]: float(row["coefficient"]) for row in csv.DictReader(SEED.open())}
    assert seeded["penalty_conversion"] == pytest.approx(24 / 30, abs=1e-9)
    spot_kick = Shot(0, "penalty", 108.0, 40.0, "foot", "penalty", False, None)
    assert predict(xg_fit.coefficients, xg_fit.penalty_conversion, spot_kick) == pytest.approx(0.8)


def _open_play_xg(coefficients: dict[str, float], x: float, y: float) -> float:
    return predict(coefficients, 0.0, Shot(0, "s", x, y, "foot", "open_play", False, None))


def test_xg_falls_with_distance_and_with_a_narrower_angle():
    coefficients = {row["feature"]: float(row["coefficient"]) for row in csv.DictReader(SEED.open())}
    # Away from the goal along rays from its centre, straight and at 20 and 40 degrees off.
    for degrees in (0, 20, 40):
        dx, dy = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        xg = [_open_play_xg(coefficients, 120 - r * dx, 40 + r * dy) for r in range(4, 41, 2)]
        assert all(a > b for a, b in zip(xg, xg[1:])), degrees
    # The same distance from the goal's centre, moving out towards the touchline: the
    # angle onto the goal mouth narrows.
    for distance in (10, 18, 25):
        xg = [_open_play_xg(coefficients, 120 - distance * math.cos(math.radians(d)),
                            40 + distance * math.sin(math.radians(d))) for d in range(0, 71, 10)]
        assert all(a > b for a, b in zip(xg, xg[1:])), distance

"""Command line: load held-out real matches into evaluation tables, build the win-probability
and xG models on them with dbt, print the figures and write evaluation.json."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from dbt_project.evaluate import EvaluationError
from dbt_project.evaluate.landing import create_tables, land
from dbt_project.evaluate.results_feed import match_messages, state_outcome
from dbt_project.fitting import FittingError
from dbt_project.fitting.metrics import (
    expected_calibration_error,
    multiclass_brier,
    multiclass_log_loss,
    ranked_probability_score,
)
from dbt_project.fitting.results import EXTRA_TIME_MINUTES, REGULAR_MINUTES, load_results, with_reliable_minutes
from dbt_project.fitting.wp_fit import FIT_FROM
from dbt_project.fitting.xg import score as _xg_figures
from ingest.errors import ConfigError
from ingest.settings import PostgresSettings
from matchday import add_version_flag
from stack import envfile

# The last day of the results the goal rates were fitted on (python -m dbt_project.fitting --fit-to).
FIT_TO = date(2015, 12, 31)

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
PREFIX = "eval_"


@dataclass(frozen=True)
class EvaluationSettings:
    results_dir: Path
    date_from: date
    date_to: date
    statsbomb_dir: Path
    statsbomb_competition: str
    report: Path

    @classmethod
    def from_env(cls) -> EvaluationSettings:
        def day(name: str, default: str) -> date:
            value = os.environ.get(name) or default
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise EvaluationError(f"Set {name} to a date like 2016-01-01, not {value!r}.") from None

        settings = cls(
            results_dir=Path(os.environ.get("EVAL_RESULTS_DIR") or SHARED / "results" / "international"),
            date_from=day("EVAL_FROM", "2016-01-01"),
            date_to=day("EVAL_TO", "2025-12-31"),
            statsbomb_dir=Path(os.environ.get("EVAL_STATSBOMB_DIR") or SHARED / "statsbomb"),
            statsbomb_competition=os.environ.get("EVAL_STATSBOMB_COMPETITION", "FIFA World Cup 2018"),
            report=Path(os.environ.get("EVAL_REPORT") or "evaluation.json"),
        )
        for name, path, needed in (
            ("EVAL_RESULTS_DIR", settings.results_dir, ("results.csv", "goalscorers.csv")),
            ("EVAL_STATSBOMB_DIR", settings.statsbomb_dir, ("events", "matches.json")),
        ):
            missing = [n for n in needed if not (path / n).exists()]
            if missing:
                raise EvaluationError(f"Set {name} to a folder with {' and '.join(needed)}; {path} has no {missing[0]}.")
        if settings.date_from > settings.date_to:
            raise EvaluationError("Set EVAL_FROM to a date before EVAL_TO.")
        return settings


def _connect():
    try:
        return PostgresSettings.from_env().connect(autocommit=True)
    except ConfigError as error:
        raise EvaluationError(str(error)) from None


_STARTED = time.monotonic()


def _step(message: str) -> None:
    """One progress line per step, with the time since the start (the whole run takes minutes)."""
    print(f"[{time.monotonic() - _STARTED:6.0f} s] {message}", flush=True)


def load_inputs(conn, settings: EvaluationSettings):
    """Land the evaluation matches; returns the results by match id and the shot matches."""
    from ingest.providers.statsbomb.files import find_matches, load_match, read_matches_json
    from ingest.replay import match_timeline

    results = [r for r in with_reliable_minutes(load_results(settings.results_dir))
               if settings.date_from <= r.date <= settings.date_to]
    by_id = {f"results:{i}": r for i, r in enumerate(results)}
    create_tables(conn, PREFIX)
    _step(f"landing {len(results):,} international results of {settings.date_from}..{settings.date_to} "
          f"with their goal minutes")
    messages = (m for i, r in enumerate(results) for m in match_messages(r, str(i)))
    land(conn, PREFIX, messages)

    wanted = settings.statsbomb_competition
    objects = read_matches_json(settings.statsbomb_dir / "matches.json")
    ids = {str(m["match_id"]) for m in objects
           if not wanted or f"{m['competition']['competition_name']} {m['season']['season_name']}" == wanted}
    files = [f for f in find_matches([settings.statsbomb_dir]) if f.match_id in ids]
    kickoff = datetime(2000, 1, 1, tzinfo=timezone.utc)
    _step(f"landing the events of {len(files)} StatsBomb match{'es' if len(files) != 1 else ''} "
          f"({wanted or 'all competitions'})")
    land(conn, PREFIX, ((o.contract, o.value) for f in files for o in match_timeline(load_match(f), kickoff)))
    return by_id, len(files)


def build_models(settings: EvaluationSettings) -> None:
    """Build the models on the evaluation tables. The ratings start from the seed as it stood
    the day before EVAL_FROM and learn only from the evaluation matches the pipeline lands,
    as they would in a live season."""
    env = {**os.environ, "STREAMING_TABLE_PREFIX": PREFIX, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}
    seed_through = settings.date_from - timedelta(days=1)
    command = [str(Path(sys.executable).with_name("dbt")), "run", "--full-refresh", "--quiet",
               "--select", "+win_probability", "+shot_xg", "--exclude", "resource_type:seed",
               "--vars", json.dumps({"ratings_seed_through": seed_through.isoformat()})]
    _step("building +win_probability and +shot_xg with dbt on them (the longest step: minutes)")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise EvaluationError(f"dbt run failed on the evaluation data: {(done.stdout + done.stderr).strip()[-800:]}")


def base_rates(fit_from: date = FIT_FROM, fit_to: date = FIT_TO) -> tuple[float, float, float]:
    """Home win, draw and away win frequencies after 90 minutes in the fitting matches (the
    internationals the goal rates were fitted on): the forecast that knows no team."""
    fitting = [r for r in with_reliable_minutes(load_results(SHARED / "results" / "international"))
               if fit_from <= r.date <= fit_to]
    counts = [0, 0, 0]
    for r in fitting:
        counts[state_outcome(r, REGULAR_MINUTES)] += 1
    return tuple(c / len(fitting) for c in counts)


def _figures(forecasts, outcomes, last_f, last_o) -> dict[str, float]:
    return {
        "rps": ranked_probability_score(forecasts, outcomes),
        "brier": multiclass_brier(forecasts, outcomes),
        "log_loss": multiclass_log_loss(forecasts, outcomes),
        "ece": expected_calibration_error(forecasts, outcomes),
        "rps_last10": ranked_probability_score(last_f, last_o),
        "ece_last10": expected_calibration_error(last_f, last_o),
    }


def score(conn, results: dict, shot_matches: int) -> dict:
    with conn.cursor() as cursor:
        cursor.execute(f"select match_id, minute, p_home, p_draw, p_away from marts.{PREFIX}win_probability")
        states = cursor.fetchall()
        cursor.execute(f"select xg, is_goal, provider_xg from marts.{PREFIX}shot_xg")
        shots = cursor.fetchall()
    states = [s for s in states if s[0] in results]  # the shot matches have states too
    pre_match = {match_id: (p_home, p_draw, p_away) for match_id, minute, p_home, p_draw, p_away in states
                 if minute == 0}
    rates = base_rates()
    ours: tuple[list, list, list, list] = ([], [], [], [])
    baselines = {"pre_match_elo": ([], [], [], []), "base_rates": ([], [], [], [])}
    for match_id, minute, p_home, p_draw, p_away in states:
        result = results[match_id]
        end = EXTRA_TIME_MINUTES if result.went_to_extra_time else REGULAR_MINUTES
        if minute > end:
            continue  # the SQL model also forecasts added-time minutes; the states end at 90 or 120
        observed = state_outcome(result, minute)
        phase_end, length = (EXTRA_TIME_MINUTES, 30) if minute > REGULAR_MINUTES else (REGULAR_MINUTES, 90)
        last = minute >= phase_end - length * 0.1
        for forecast, lists in (((p_home, p_draw, p_away), ours), (pre_match[match_id], baselines["pre_match_elo"]),
                                (rates, baselines["base_rates"])):
            lists[0].append(forecast)
            lists[1].append(observed)
            if last:
                lists[2].append(forecast)
                lists[3].append(observed)
    if not ours[0] or not shots:
        raise EvaluationError("No match or no shot to evaluate: check EVAL_FROM/EVAL_TO and EVAL_STATSBOMB_COMPETITION.")
    xg = [float(p) for p, _, _ in shots]
    goals = [int(g) for _, g, _ in shots]
    with_provider = [(float(p), int(g), float(q)) for p, g, q in shots if q is not None]
    return {
        "win_probability": {
            "matches": len({s[0] for s in states}),
            "states": len(ours[0]),
            "states_last10": len(ours[2]),
            **_figures(*ours),
            "baselines": {name: _figures(*lists) for name, lists in baselines.items()},
            "base_rates": dict(zip(("home", "draw", "away"), rates)),
        },
        "xg": {
            "matches": shot_matches,
            "shots": len(xg),
            **_xg_figures(xg, goals),
            "same_shots_with_provider_xg": {
                "shots": len(with_provider),
                "ours": _xg_figures([p for p, _, _ in with_provider], [g for _, g, _ in with_provider]),
                "provider": _xg_figures([q for _, _, q in with_provider], [g for _, g, _ in with_provider]),
            },
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dbt_project.evaluate", description=__doc__)
    add_version_flag(parser)
    parser.parse_args(argv)  # the settings are EVAL_* (see .env.example); no options
    envfile.load_defaults()  # as the Makefile does, for runs without make
    try:
        settings = EvaluationSettings.from_env()
        conn = _connect()
        results, shot_matches = load_inputs(conn, settings)
        build_models(settings)
        _step("scoring the forecasts against the results")
        report = score(conn, results, shot_matches)
    except (EvaluationError, FittingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report["inputs"] = {
        "results_dir": str(settings.results_dir), "from": settings.date_from.isoformat(),
        "to": settings.date_to.isoformat(), "statsbomb_dir": str(settings.statsbomb_dir),
        "statsbomb_competition": settings.statsbomb_competition,
        "seconds": round(time.monotonic() - _STARTED, 1),
    }
    wp, xg = report["win_probability"], report["xg"]
    pre, rates = wp["baselines"]["pre_match_elo"], wp["baselines"]["base_rates"]
    print(f"{'win probability':<16}{'figure':<12}{'ours':>10}{'pre-match':>11}{'base rates':>11}")
    for name in ("rps", "brier", "log_loss", "ece", "rps_last10", "ece_last10"):
        print(f"{'':<16}{name:<12}{wp[name]:>10.4f}{pre[name]:>11.4f}{rates[name]:>11.4f}")
    print(f"{'':<16}{'matches':<12}{wp['matches']:>10}\n{'':<16}{'states':<12}{wp['states']:>10}")
    same = xg["same_shots_with_provider_xg"]
    print(f"{'xg':<16}{'figure':<12}{'ours':>10}{'provider':>11}   (the {same['shots']} shots with provider xG)")
    for name in ("auc", "log_loss", "brier", "ece", "xg_per_goal"):
        print(f"{'':<16}{name:<12}{same['ours'][name]:>10.4f}{same['provider'][name]:>11.4f}")
    print(f"{'':<16}{'matches':<12}{xg['matches']:>10}\n{'':<16}{'shots':<12}{xg['shots']:>10}")
    settings.report.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    print(f"Wrote {settings.report}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

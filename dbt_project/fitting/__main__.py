"""Command line: `python -m dbt_project.fitting` fits every model, writes the seeds and prints
the held-out figures. Deterministic: the same data gives byte-identical seeds."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from dbt_project.fitting import FittingError
from dbt_project.fitting.inplay import fit_inplay
from dbt_project.fitting.results import load_results
from dbt_project.fitting.seeds import write_elo_ratings, write_goal_time_profile, write_parameters
from dbt_project.fitting.wp_fit import evaluation_matches, fit_model, rate_all, score_states, states
from dbt_project.fitting.xg import fit_xg, write_seed
from matchday import add_version_flag
from stack import envfile

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = ROOT.parent / "shared" / "data"
SEEDS_DIR = ROOT / "dbt_project" / "seeds"


def main(argv: list[str] | None = None) -> int:
    envfile.load_defaults()  # as the Makefile does, for runs without make
    parser = argparse.ArgumentParser(prog="python -m dbt_project.fitting", description=__doc__)
    add_version_flag(parser)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help="the real data: statsbomb/ and results/international/")
    parser.add_argument("--seeds-dir", type=Path, default=SEEDS_DIR)
    parser.add_argument("--fit-to", type=date.fromisoformat, default=date(2015, 12, 31),
                        help="last date of the results the win-probability rates are fitted on")
    parser.add_argument("--evaluate-from", type=date.fromisoformat, default=date(2016, 1, 1))
    parser.add_argument("--evaluate-to", type=date.fromisoformat, default=date(2025, 12, 31))
    parser.add_argument("--report", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.evaluate_from <= args.fit_to:
        print("Set --evaluate-from after --fit-to: the evaluation must use unseen matches.",
              file=sys.stderr)
        return 2
    try:
        report = run(args)
    except FittingError as error:
        print(f"Fitting failed: {error}.", file=sys.stderr)
        return 1
    text = json.dumps(report, indent=2, sort_keys=True)
    print(text)
    if args.report:
        args.report.write_text(text + "\n")
    return 0


def run(args: argparse.Namespace) -> dict:
    xg = fit_xg(args.data_dir / "statsbomb")
    write_seed(xg, args.seeds_dir / "xg_coefficients.csv")

    results = load_results(args.data_dir / "results" / "international")
    rated, _ = rate_all(results)
    model, fitted_matches = fit_model(rated, args.fit_to)
    inplay = fit_inplay(args.data_dir / "statsbomb", list(model.remaining_share))
    write_parameters(model, inplay, args.seeds_dir / "win_probability_parameters.csv")
    write_goal_time_profile(model, args.seeds_dir / "goal_time_profile.csv")
    write_elo_ratings(rated, args.evaluate_from, args.seeds_dir / "elo_ratings.csv")

    evaluated = evaluation_matches(rated, args.evaluate_from, args.evaluate_to)
    figures = score_states([s for m in evaluated for s in states(m, model)])
    return {
        "xg": {
            "train_matches": xg.train_matches,
            "train_shots": xg.train_shots,
            "matches": xg.holdout_matches,
            "shots": xg.holdout_shots,
            **xg.holdout_metrics,
            "statsbomb_xg": xg.provider_metrics,
            "train_penalties": xg.train_penalties,
            "penalty_conversion": xg.penalty_conversion,
        },
        "win_probability": {
            "fitted_matches": fitted_matches,
            "fit_to": args.fit_to.isoformat(),
            "evaluated_from": args.evaluate_from.isoformat(),
            "evaluated_to": args.evaluate_to.isoformat(),
            "matches": len(evaluated),
            **figures,
        },
        "in_play": {
            "fitted_matches": inplay.matches,
            "red_cards": inplay.red_cards,
            "red_card_own": inplay.red_card_own,
            "red_card_opponent": inplay.red_card_opponent,
            "xg_shrinkage": inplay.xg_shrinkage,
        },
    }


if __name__ == "__main__":
    sys.exit(main())

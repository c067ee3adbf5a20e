"""Fits the xG logistic regression on the StatsBomb matches outside the evaluation window and
scores it on the matches inside it, next to StatsBomb's own xG on the same shots.

Penalties are not in the regression: a penalty's xG is the conversion rate of the fitting
data's penalties (taken from a fixed spot, they differ only by the taker)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dbt_project.fitting.glm import fit_logistic, sigmoid
from dbt_project.fitting.metrics import binary_brier, binary_log_loss, calibration_error, roc_auc
from dbt_project.fitting.shots import FEATURES, Shot, features
from dbt_project.fitting.statsbomb import load_matches, load_shots

# Held out for evaluation, by date: the days of the 2018 World Cup (group stage and knockout
# rounds); no fitting match is played on them. `make evaluate` scores this window by default.
HOLDOUT_FROM = date(2018, 6, 14)
HOLDOUT_TO = date(2018, 7, 15)
# Ridge penalty of the regression: 0.3 gave the best pooled log loss in a leave-one-
# competition-out cross-validation over the StatsBomb matches (0.3, 1 and 3 tried).
RIDGE = 0.3


@dataclass(frozen=True)
class XgFit:
    coefficients: dict[str, float]
    penalty_conversion: float
    train_matches: int
    train_shots: int
    train_penalties: int
    holdout_matches: int
    holdout_shots: int
    holdout_metrics: dict[str, float]
    provider_metrics: dict[str, float]


def is_holdout(match: dict) -> bool:
    # The matches without a date are of club seasons that start after the window's end
    # (FA WSL 2018/2019, Bundesliga 2023/2024): fitting matches.
    day = match.get("match_date")
    return day is not None and HOLDOUT_FROM <= date.fromisoformat(day) <= HOLDOUT_TO


def predict(coefficients: dict[str, float], penalty_conversion: float, shot: Shot) -> float:
    if shot.situation == "penalty":
        return penalty_conversion
    return sigmoid(sum(coefficients[name] * value for name, value in zip(FEATURES, features(shot))))


def score(probabilities: list[float], labels: list[int]) -> dict[str, float]:
    return {
        "auc": roc_auc(probabilities, labels),
        "log_loss": binary_log_loss(probabilities, labels),
        "brier": binary_brier(probabilities, labels),
        "ece": calibration_error(probabilities, labels),
        "xg_per_goal": sum(probabilities) / max(sum(labels), 1),
    }


def fit_xg(statsbomb_dir: Path) -> XgFit:
    matches = sorted(load_matches(statsbomb_dir), key=lambda m: m["match_id"])
    train = [m for m in matches if not is_holdout(m)]
    holdout = [m for m in matches if is_holdout(m)]
    train_shots = [s for m in train for s in load_shots(statsbomb_dir, m["match_id"])]
    holdout_shots = [s for m in holdout for s in load_shots(statsbomb_dir, m["match_id"])]

    penalties = [s for s in train_shots if s.situation == "penalty"]
    penalty_conversion = sum(s.is_goal for s in penalties) / len(penalties)
    others = [s for s in train_shots if s.situation != "penalty"]
    beta = fit_logistic([features(s) for s in others], [int(s.is_goal) for s in others], ridge=RIDGE)
    coefficients = dict(zip(FEATURES, beta, strict=True))

    labels = [int(s.is_goal) for s in holdout_shots]
    ours = [predict(coefficients, penalty_conversion, s) for s in holdout_shots]
    with_provider = [s for s in holdout_shots if s.provider_xg is not None]
    provider = score([s.provider_xg for s in with_provider], [int(s.is_goal) for s in with_provider])
    return XgFit(
        coefficients=coefficients,
        penalty_conversion=penalty_conversion,
        train_matches=len(train),
        train_shots=len(train_shots),
        train_penalties=len(penalties),
        holdout_matches=len(holdout),
        holdout_shots=len(holdout_shots),
        holdout_metrics=score(ours, labels),
        provider_metrics=provider,
    )


def write_seed(fit: XgFit, path: Path) -> None:
    lines = ["feature,coefficient"]
    lines += [f"{name},{value:.10f}" for name, value in fit.coefficients.items()]
    lines.append(f"penalty_conversion,{fit.penalty_conversion:.10f}")
    path.write_text("\n".join(lines) + "\n")

"""Fits the xG logistic regression on a training split of StatsBomb matches and scores it
on the held-out matches."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dbt_project.fitting.glm import fit_logistic, sigmoid
from dbt_project.fitting.metrics import binary_brier, binary_log_loss, roc_auc
from dbt_project.fitting.shots import FEATURES, Shot, features
from dbt_project.fitting.statsbomb import load_matches, load_shots

# Held out for evaluation: the whole 2018 World Cup group stage (48 matches), a competition
# no training match comes from. `make evaluate` scores these by default.
HOLDOUT_COMPETITION = ("FIFA World Cup", "2018")


@dataclass(frozen=True)
class XgFit:
    coefficients: dict[str, float]
    train_matches: int
    train_shots: int
    holdout_matches: int
    holdout_shots: int
    holdout_metrics: dict[str, float]
    provider_metrics: dict[str, float]


def is_holdout(match: dict) -> bool:
    return (
        match["competition"]["competition_name"],
        match["season"]["season_name"],
    ) == HOLDOUT_COMPETITION


def predict(coefficients: dict[str, float], shot: Shot) -> float:
    return sigmoid(sum(coefficients[name] * value for name, value in zip(FEATURES, features(shot))))


def score(probabilities: list[float], labels: list[int]) -> dict[str, float]:
    return {
        "auc": roc_auc(probabilities, labels),
        "log_loss": binary_log_loss(probabilities, labels),
        "brier": binary_brier(probabilities, labels),
    }


def fit_xg(statsbomb_dir: Path) -> XgFit:
    matches = sorted(load_matches(statsbomb_dir), key=lambda m: m["match_id"])
    train = [m for m in matches if not is_holdout(m)]
    holdout = [m for m in matches if is_holdout(m)]
    train_shots = [s for m in train for s in load_shots(statsbomb_dir, m["match_id"])]
    holdout_shots = [s for m in holdout for s in load_shots(statsbomb_dir, m["match_id"])]

    beta = fit_logistic([features(s) for s in train_shots], [int(s.is_goal) for s in train_shots])
    coefficients = dict(zip(FEATURES, beta, strict=True))

    labels = [int(s.is_goal) for s in holdout_shots]
    ours = [predict(coefficients, s) for s in holdout_shots]
    with_provider = [s for s in holdout_shots if s.provider_xg is not None]
    provider = score([s.provider_xg for s in with_provider], [int(s.is_goal) for s in with_provider])
    return XgFit(
        coefficients=coefficients,
        train_matches=len(train),
        train_shots=len(train_shots),
        holdout_matches=len(holdout),
        holdout_shots=len(holdout_shots),
        holdout_metrics=score(ours, labels),
        provider_metrics=provider,
    )


def write_seed(fit: XgFit, path: Path) -> None:
    lines = ["feature,coefficient"]
    lines += [f"{name},{value:.10f}" for name, value in fit.coefficients.items()]
    path.write_text("\n".join(lines) + "\n")

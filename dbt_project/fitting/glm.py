"""Logistic and Poisson regression fitted by Newton's method (IRLS), with a small ridge penalty.

The ridge keeps rare categories (penalties, other body parts) finite; the intercept,
the first coefficient, is not penalised.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from dbt_project.fitting import ConvergenceError
from dbt_project.fitting.linalg import solve

# The design matrix: one row of features per observation, the first a 1 for the intercept.
Rows = Sequence[Sequence[float]]


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _newton(rows, targets, mean_and_weight, ridge, max_iter, tol):
    size = len(rows[0])
    beta = [0.0] * size
    for _ in range(max_iter):
        hessian = [[0.0] * size for _ in range(size)]
        gradient = [0.0] * size
        for x, y in zip(rows, targets, strict=True):
            mean, weight = mean_and_weight(sum(b * v for b, v in zip(beta, x)))
            residual = y - mean
            for i in range(size):
                gradient[i] += residual * x[i]
                wxi = weight * x[i]
                for j in range(i, size):
                    hessian[i][j] += wxi * x[j]
        for i in range(size):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
            if i > 0:
                hessian[i][i] += ridge
                gradient[i] -= ridge * beta[i]
        step = solve(hessian, gradient)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < tol:
            return beta
    raise ConvergenceError(f"Newton's method did not converge in {max_iter} iterations")


def _logistic(z: float) -> tuple[float, float]:
    """Mean and IRLS weight of the logistic model at linear predictor z."""
    p = sigmoid(z)
    return p, p * (1.0 - p)


def _poisson(z: float) -> tuple[float, float]:
    """Mean and IRLS weight of the Poisson model (log link) at linear predictor z."""
    mu = math.exp(z)
    return mu, mu


def fit_logistic(rows: Rows, targets: Sequence[float], ridge: float = 1.0, max_iter: int = 50, tol: float = 1e-9) -> list[float]:
    """Coefficients of P(y=1) = sigmoid(x . beta); each row starts with a 1 for the intercept."""
    return _newton(rows, targets, _logistic, ridge, max_iter, tol)


def fit_poisson(rows: Rows, targets: Sequence[float], ridge: float = 0.0, max_iter: int = 50, tol: float = 1e-9) -> list[float]:
    """Coefficients of E[y] = exp(x . beta); each row starts with a 1 for the intercept."""
    return _newton(rows, targets, _poisson, ridge, max_iter, tol)

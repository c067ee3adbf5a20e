"""Tiny dense linear algebra for the Newton steps of the fits (no numpy in the pipeline)."""

from __future__ import annotations

from collections.abc import Sequence

from dbt_project.fitting import FittingError


def solve(matrix: Sequence[Sequence[float]], rhs: Sequence[float]) -> list[float]:
    """Solve matrix @ x = rhs by Gaussian elimination with partial pivoting."""
    size = len(rhs)
    rows = [list(map(float, row)) + [float(value)] for row, value in zip(matrix, rhs, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-12:
            raise FittingError("singular system: a feature is constant or collinear with others")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(col + 1, size):
            factor = rows[r][col] / rows[col][col]
            if factor:
                for c in range(col, size + 1):
                    rows[r][c] -= factor * rows[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        tail = sum(rows[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = (rows[r][size] - tail) / rows[r][r]
    return solution

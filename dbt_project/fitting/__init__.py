"""Fitting of the model parameters that the dbt models read as seeds (xG, win probability).

Everything here is deterministic and runs on the real data in ../shared/data; the
outputs are committed as CSV seeds so `dbt seed` never needs the raw data.
"""


class FittingError(Exception):
    """Root of the errors raised while reading data or fitting a model."""


class DataNotFoundError(FittingError):
    """An input file of the fitting data is missing or unreadable."""


class ConvergenceError(FittingError):
    """An iterative fit did not converge within its iteration budget."""

"""`python -m dbt_project.evaluate`: scores the dbt models (win probability, xG) on real data
they were not fitted on, by running the same SQL models on it."""


class EvaluationError(Exception):
    """Root of the errors of the evaluation: a missing input or a setting to fix."""

"""matchday's dbt project: SQL models of the football logic, and the Python that fits their seeds."""

"""football-data.org API v4: its statuses (spec), a pure parser of its match lists, and a thin HTTP client."""

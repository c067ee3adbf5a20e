"""football-data.org API v4: its statuses and codes (spec), a pure parser of its match lists and match
detail, and a thin HTTP client."""

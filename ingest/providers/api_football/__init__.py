"""API-Football v3 (api-sports.io or RapidAPI): its codes (spec), a pure parser of fixtures, and a thin HTTP client."""

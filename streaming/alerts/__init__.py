"""Real-time alerts: goals, red cards, VAR cancellations and full-time results from `match-events`,
to a Slack- or Discord-compatible webhook and the log, once each (`python -m streaming alerts`)."""

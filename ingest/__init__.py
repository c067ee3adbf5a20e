"""Producers of the four live topics: provider clients and replays of recorded matches into Kafka."""

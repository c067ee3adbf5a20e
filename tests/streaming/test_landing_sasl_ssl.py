"""The landing job reads Kafka over SASL_SSL (the Java client, PEM truststore, PLAIN login) set
up as for Confluent Cloud; a wrong password stops it before Spark starts, in one sentence."""

from __future__ import annotations

import pytest

from pipeline import official_results, source_counts

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

MATCH = 7525  # Russia 5-0 Saudi Arabia, World Cup 2018


def test_a_real_match_read_over_sasl_ssl_lands_complete(pipeline, sasl_ssl_env):
    pipeline.env.update(sasl_ssl_env)
    pipeline.replay([MATCH])
    pipeline.run_available_now()
    assert pipeline.counts_per_match("match_events") == source_counts([MATCH])
    finals = dict(pipeline.rows(
        "SELECT DISTINCT ON (match_id) match_id, (home_score, away_score)::text FROM {live_matches} ORDER BY match_id, sequence DESC"
    ))
    assert finals == {m: f"({h},{a})" for m, (h, a) in official_results([MATCH]).items()} == {"statsbomb:7525": "(5,0)"}
    assert pipeline.rows("SELECT count(*) FROM {dead_letter}") == [(0,)]


def test_wrong_password_stops_the_job_before_spark_in_one_sentence(pipeline, sasl_ssl_env):
    pipeline.env.update(sasl_ssl_env | {"KAFKA_SASL_PASSWORD": "not-the-password"})
    process = pipeline.streaming("run", "--available-now")
    assert process.wait(timeout=300) == 2
    # Stopped before it touched PostgreSQL or started Spark: not even its tables were created.
    assert pipeline.rows("SELECT count(*) FROM pg_tables WHERE tablename LIKE %s", pipeline.prefix + "%") == [(0,)]
    log = pipeline.log.read_text()
    assert "Traceback" not in log
    assert log.strip().splitlines()[-1] == (
        f"error: Kafka at {sasl_ssl_env['KAFKA_BOOTSTRAP_SERVERS']} refused our credentials: "
        "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
    )

"""Checkpoints and the Parquet cold store on s3a://, against a real S3 server (moto's, on a local
port): the landing job runs through `python -m streaming submit-command`'s spark-submit, with
hadoop-aws from SPARK_S3A_JARS_DIR (`make spark-s3a-jars`), twice (the second run resumes from
the checkpoints on the server), and its objects are read back with boto3."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline import ROOT, source_counts

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

MATCH = 7525  # Russia 5-0 Saudi Arabia, World Cup 2018
BUCKET = "matchday-s3a-test"


@pytest.fixture
def s3_server():
    """moto's S3 server on a free local port, with one bucket; stopped afterwards."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        credentials = {"AWS_ACCESS_KEY_ID": "matchday-test", "AWS_SECRET_ACCESS_KEY": "matchday-test", "AWS_REGION": "us-east-1"}
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="matchday-test", aws_secret_access_key="matchday-test")
        client.create_bucket(Bucket=BUCKET)
        yield {"endpoint": endpoint, "client": client, "env": credentials}
    finally:
        server.stop()


def objects(client, prefix: str) -> list[str]:
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def test_checkpoints_and_parquet_on_s3a_through_spark_submit(pipeline, s3_server, tmp_path):
    import pyarrow.parquet as pq

    jars = Path(os.environ.get("SPARK_S3A_JARS_DIR") or ROOT / ".stack" / "jars" / "spark-s3a")
    if not any(jars.glob("hadoop-aws-*.jar")):
        pytest.fail(f"hadoop-aws is not in {jars}: run `make spark-s3a-jars`", pytrace=False)
    # What README's "On a Spark cluster" tells a user to put in SPARK_CONF_FILE for an S3-compatible server.
    conf = tmp_path / "spark-s3a.conf"
    conf.write_text(f"spark.hadoop.fs.s3a.endpoint {s3_server['endpoint']}\n"
                    "spark.hadoop.fs.s3a.endpoint.region us-east-1\n"
                    "spark.hadoop.fs.s3a.path.style.access true\n")
    root = f"s3a://{BUCKET}/{pipeline.prefix}"
    pipeline.env.update(
        s3_server["env"],
        AWS_ENDPOINT_URL=s3_server["endpoint"],  # pyarrow's S3 file system, which writes the Parquet files
        SPARK_CONF_FILE=str(conf),
        SPARK_S3A_JARS_DIR=str(jars),
        STREAMING_CHECKPOINT_DIR=f"{root}/checkpoints",
        STREAMING_PARQUET_ROOT=f"{root}/parquet",
    )
    pipeline.replay([MATCH])
    printed = subprocess.run([sys.executable, "-m", "streaming", "submit-command", "--available-now"], env=pipeline.env,
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0, printed.stderr
    command = shlex.split(printed.stdout)
    assert Path(command[0]).name == "spark-submit" and "hadoop-aws" in command[command.index("--jars") + 1]

    def submit() -> None:
        with pipeline.log.open("a") as log:
            submitted = subprocess.run(command, env=pipeline.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, timeout=900)
        assert submitted.returncode == 0, pipeline.log_tail()

    submit()
    # A second run resumes from the checkpoints on the server: nothing is read, or written, twice.
    submit()

    client = s3_server["client"]
    expected = source_counts([MATCH])
    assert pipeline.counts_per_match("match_events") == expected
    # The cold store, read back from the server: every event once.
    keys = [k for k in objects(client, f"{pipeline.prefix}/parquet/topic={pipeline.topics['match_events']}/") if k.endswith(".parquet")]
    assert keys
    events = [pq.read_table(io.BytesIO(client.get_object(Bucket=BUCKET, Key=k)["Body"].read()), columns=["event_id"])
              for k in keys]
    ids = [i for table in events for i in table.column("event_id").to_pylist()]
    assert len(ids) == len(set(ids)) == sum(expected.values())
    # The checkpoints: each query committed its batches on the server, and PostgreSQL recorded them under their s3a:// path.
    checkpoint = f"{pipeline.prefix}/checkpoints/land-match_events"
    commits = {k.rsplit("/", 1)[1] for k in objects(client, f"{checkpoint}/commits/")}
    assert "0" in commits
    assert {int(c) for c in commits if c.isdigit()} == {b for (b,) in pipeline.rows(
        "SELECT batch_id FROM {landed_batches} WHERE checkpoint = %s", f"s3a://{BUCKET}/{checkpoint}")}
    assert Counter(k.split("/")[2] for k in objects(client, f"{pipeline.prefix}/checkpoints/")) >= Counter(
        {"land-live_matches": 1, "land-match_events": 1, "land-player_live_stats": 1, "land-team_live_stats": 1,
         "land-dead_letters": 1})
    # The events' batches counted the momentum windows in PostgreSQL and kept their updates on the server too.
    assert pipeline.rows("SELECT count(*) FROM {team_momentum_5min}")[0][0] > 0
    assert [k for k in objects(client, f"{pipeline.prefix}/parquet/topic=team-momentum-5min/") if k.endswith(".parquet")]

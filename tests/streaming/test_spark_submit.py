"""The spark-submit command of `python -m streaming submit-command` and the S3A jars it adds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from streaming import class_archive, spark_submit
from streaming.errors import StreamingError
from streaming.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def jars_folder(path: Path, *names: str) -> Path:
    path.mkdir(parents=True)
    for name in names:
        (path / name).write_bytes(b"")
    return path


@pytest.fixture
def folders(tmp_path):
    return {
        "SPARK_JARS_DIR": str(jars_folder(tmp_path / "spark", "spark-sql-kafka-0-10_2.13-4.2.0.jar", "postgresql-42.7.8.jar")),
        "SPARK_S3A_JARS_DIR": str(jars_folder(tmp_path / "s3a", "hadoop-aws-3.5.0.jar", "bundle-2.35.4.jar")),
    }


def jars_of(command: list[str]) -> list[str]:
    return [Path(jar).name for jar in command[command.index("--jars") + 1].split(",")]


def test_the_s3a_jars_are_added_only_for_checkpoints_on_s3a(folders):
    local = spark_submit.command(Settings.from_env({**folders, "STREAMING_CHECKPOINT_DIR": "/tmp/checkpoints"}), True)
    assert jars_of(local) == ["postgresql-42.7.8.jar", "spark-sql-kafka-0-10_2.13-4.2.0.jar"]
    on_s3a = spark_submit.command(Settings.from_env({**folders, "STREAMING_CHECKPOINT_DIR": "s3a://bucket/checkpoints"}), False)
    assert jars_of(on_s3a) == jars_of(local) + ["bundle-2.35.4.jar", "hadoop-aws-3.5.0.jar"]
    # spark-submit of the installed pyspark runs our main file, told where our jars are, then the job.
    assert Path(on_s3a[0]).name == "spark-submit" and Path(on_s3a[0]).exists()
    assert on_s3a[on_s3a.index(str(spark_submit.MAIN_FILE)) + 1:] == [spark_submit.JARS_DIR_OPTION, folders["SPARK_JARS_DIR"], "run"]
    assert local[-1] == "--available-now"


def test_checkpoints_on_s3a_without_hadoop_aws_stop_with_the_command_that_fetches_it(folders, tmp_path):
    settings = Settings.from_env({**folders, "SPARK_S3A_JARS_DIR": str(tmp_path / "missing"),
                                  "STREAMING_CHECKPOINT_DIR": "s3a://bucket/checkpoints"})
    with pytest.raises(StreamingError, match="make spark-s3a-jars"):
        spark_submit.command(settings, True)


def test_hadoop_aws_is_the_version_of_the_hadoop_inside_pyspark():
    import pyspark

    pom = (ROOT / "stack" / "maven" / "spark-s3a" / "pom.xml").read_text()
    pinned = re.search(r"<hadoop\.version>([^<]+)</hadoop\.version>", pom)[1]
    bundled = sorted((Path(pyspark.__file__).parent / "jars").glob("hadoop-client-api-*.jar"))
    assert [jar.name for jar in bundled] == [f"hadoop-client-api-{pinned}.jar"]


def java_options_of(command: list[str]) -> list[str]:
    return [value for flag, value in zip(command, command[1:]) if flag == "--conf" and value.startswith("spark.driver.extraJavaOptions=")]


def test_a_backfills_driver_compiles_with_c1_only_unless_spark_conf_file_sets_the_drivers_options(folders, tmp_path):
    settings = Settings.from_env({**folders, "STREAMING_CHECKPOINT_DIR": "/tmp/checkpoints", "SPARK_CLASS_ARCHIVE": "off"})
    assert java_options_of(spark_submit.command(settings, True)) == ["spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1"]
    assert java_options_of(spark_submit.command(settings, False)) == []
    # A class archive made for this Java and pyspark (its key) is mapped too; one made for others is not.
    archive = tmp_path / "classes.jsa"
    archive.write_bytes(b"")
    (tmp_path / "classes.jsa.key").write_text(class_archive.key())
    archived = Settings.from_env({**folders, "STREAMING_CHECKPOINT_DIR": "/tmp/checkpoints", "SPARK_CLASS_ARCHIVE": str(archive)})
    assert java_options_of(spark_submit.command(archived, True)) == [
        f"spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:SharedArchiveFile={archive}"]
    assert java_options_of(spark_submit.command(archived, False)) == [f"spark.driver.extraJavaOptions=-XX:SharedArchiveFile={archive}"]
    (tmp_path / "classes.jsa.key").write_text(class_archive.key().replace('"pyspark": "', '"pyspark": "0'))
    assert java_options_of(spark_submit.command(archived, False)) == []
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text("spark.driver.extraJavaOptions -Dmatchday.own=1\n")
    own = Settings.from_env({**folders, "STREAMING_CHECKPOINT_DIR": "/tmp/checkpoints", "SPARK_CONF_FILE": str(conf)})
    assert java_options_of(spark_submit.command(own, True)) == java_options_of(spark_submit.command(own, False)) == [
        "spark.driver.extraJavaOptions=-Dmatchday.own=1"]

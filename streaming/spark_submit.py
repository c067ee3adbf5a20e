"""The landing job through `spark-submit`: the command (`python -m streaming submit-command`)
and the main file it hands to spark-submit, which runs the same commands as `python -m streaming`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # run as spark-submit's main file, this module is no package's: nothing relative at import
    from streaming.settings import Settings

MAIN_FILE = Path(__file__).resolve()
# spark-submit's own scripts set SPARK_JARS_DIR (to pyspark's jars folder) in the driver's
# environment, so the command hands ours to the main file as an option.
JARS_DIR_OPTION = "--spark-jars-dir"


def spark_submit() -> Path:
    """The spark-submit of the installed pyspark (the one whose version the jars are pinned to)."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent / "bin" / "spark-submit"


def command(settings: Settings, available_now: bool) -> list[str]:
    """spark-submit with the Kafka connector, the PostgreSQL driver (and the S3A jars for s3a://
    checkpoints) on --jars, and this Python as the driver's and the executors' interpreter. The
    project's code is the installed package: the executors run none of it (the job has no Python
    UDFs; every foreachBatch sink runs in the driver)."""
    from streaming.job import DRIVER_JAVA_OPTIONS, driver_java_options, spark_jars

    # The driver's JVM starts before the job reads SPARK_CONF_FILE: its options go on the command.
    java_options = driver_java_options(settings, backfill=available_now)
    return [
        str(spark_submit()),
        "--master", settings.spark_master,
        "--name", "matchday-streaming",
        "--driver-memory", settings.spark_driver_memory,
        "--jars", ",".join(str(jar.resolve()) for jar in spark_jars(settings)),
        "--conf", f"spark.pyspark.python={sys.executable}",
        "--conf", f"spark.pyspark.driver.python={sys.executable}",
        *(["--conf", f"{DRIVER_JAVA_OPTIONS}={java_options}"] if java_options else []),
        str(MAIN_FILE), JARS_DIR_OPTION, str(settings.spark_jars_dir.resolve()),
        "run", *(["--available-now"] if available_now else []),
    ]


def main(argv: list[str] | None = None) -> int:
    import os

    from stack import envfile
    from streaming.__main__ import main as streaming_main

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [JARS_DIR_OPTION]:
        os.environ["SPARK_JARS_DIR"], argv = argv[1], argv[2:]
    envfile.load_defaults()  # as the Makefile does, for runs without make
    return streaming_main(argv)


if __name__ == "__main__":
    # spark-submit runs this file as a script, which puts its folder (streaming/) first on
    # sys.path, where its modules would shadow top-level ones: the package comes from the path.
    sys.path.pop(0)
    sys.exit(main())

"""The driver JVM's class archive (HotSpot's dynamic class data sharing, CDS).

A Spark driver loads some ten thousand classes on start, each read from a jar, parsed and verified.
With `-XX:SharedArchiveFile` the JVM maps them, already parsed, from one file made by an earlier
run: a session started in 1.9 s instead of 3.8 and its first job took 1.5 s instead of 2.6; a
126-match backfill landed its first rows after 4.3 s instead of 7.2 (README, Benchmarks).

`make up` makes the archive once (`python -m streaming class-archive`, about half a minute): a
driver that runs a lander's projection and a few micro-batches, started with
`-XX:ArchiveClassesAtExit`, writes it as its JVM exits. An archive only fits the Java and the
pyspark (its jars) it was made with, so its key (`<archive>.key`) names them: with another Java or
pyspark the driver starts without it, as it would with none, until `make up` makes it again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from .errors import StreamingError
from .settings import ROOT, Settings

# The option that makes a JVM write the archive as it exits.
DUMP_OPTION = "-XX:ArchiveClassesAtExit"
USE_OPTION = "-XX:SharedArchiveFile"


def java() -> Path | None:
    """The java that pyspark starts: JAVA_HOME's, else the first on PATH."""
    home = os.environ.get("JAVA_HOME")
    found = Path(home) / "bin" / "java" if home else (Path(w) if (w := shutil.which("java")) else None)
    return found.resolve() if found is not None and found.exists() else None


def key() -> str:
    """What an archive fits: the java binary and the pyspark install (its jars are the JVM's class path)."""
    import pyspark

    binary = java()
    jars = Path(pyspark.__file__).resolve().parent / "jars"
    return json.dumps({
        "java": str(binary) if binary else None,
        "java_modified_ns": binary.stat().st_mtime_ns if binary else None,
        "pyspark": pyspark.__version__,
        "pyspark_jars": str(jars),
        "pyspark_jars_modified_ns": jars.stat().st_mtime_ns if jars.exists() else None,
    }, sort_keys=True)


def key_file(archive: Path) -> Path:
    return archive.with_name(archive.name + ".key")


def usable(settings: Settings) -> Path | None:
    """The archive, absolute, when there is one and it was made for this Java and pyspark."""
    archive = settings.spark_class_archive
    if archive is None:
        return None
    archive = archive.resolve()
    try:
        return archive if archive.is_file() and key_file(archive).read_text() == key() else None
    except OSError:
        return None


def java_option(settings: Settings) -> str | None:
    """The driver JVM's option that maps the archive, when it is usable."""
    archive = usable(settings)
    return f"{USE_OPTION}={archive}" if archive else None


def make(settings: Settings, *, force: bool = False) -> Path | None:
    """Make the archive unless a usable one exists (or `force`); None when SPARK_CLASS_ARCHIVE is off.
    The archive is written beside its final name and renamed there with its key, so a driver never
    maps half an archive."""
    archive = settings.spark_class_archive
    if archive is None:
        return None
    archive = archive.resolve()
    if not force and usable(settings):
        return archive
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f".{archive.name}.{os.getpid()}.tmp")
    log = archive.with_name(archive.name + ".log")
    print(f"Making the Spark driver's class archive {archive} (once for this Java and pyspark, about half a minute) ...",
          flush=True)
    started = time.monotonic()
    with log.open("w") as output:
        done = subprocess.run([sys.executable, "-m", "streaming.class_archive", str(partial)], cwd=ROOT,
                              stdout=output, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise StreamingError(f"The Spark driver's class archive could not be made (exit code {done.returncode}): "
                             f"see {log}, or set SPARK_CLASS_ARCHIVE=off.")
    key_file(archive).unlink(missing_ok=True)
    partial.replace(archive)
    key_file(archive).write_text(key())
    print(f"Made it in {time.monotonic() - started:.0f} s ({archive.stat().st_size / 2**20:.0f} MiB).", flush=True)
    return archive


def _exercise(path: str) -> None:
    """A driver's start, a lander's projection collected as Arrow, a Kafka source planned and a few
    micro-batches through foreachBatch, in a JVM that writes the classes it loaded to `path` as it exits."""
    from pyspark.sql import functions as F

    from . import job, transforms

    settings = replace(Settings.from_env(), spark_class_archive=None)  # none mapped while one is written
    spark = job.spark_session(settings, app_name="matchday-class-archive",
                              java_options=f"{DUMP_OPTION}={path} -Xlog:cds=off -Xlog:cds+dynamic=off")
    job.warm_up(spark)
    transforms.for_lander(spark.readStream.format("kafka").options(**job.source_options(settings, ["class-archive"])).load())
    batches: list[int] = []
    rows = spark.readStream.format("rate").option("rowsPerSecond", 100).load()
    query = (rows.select(F.col("value").cast("string").cast("binary").alias("value"), "timestamp").writeStream
             .foreachBatch(lambda frame, _: batches.append(frame.toArrow().num_rows))
             .trigger(processingTime="200 milliseconds").start())
    deadline = time.monotonic() + 120
    while len(batches) < 3 and time.monotonic() < deadline and query.isActive:
        time.sleep(0.1)
    query.stop()
    spark.stop()
    if not job.end_jvm(spark, timeout=300):  # the JVM writes the archive as it exits
        raise StreamingError("Spark's JVM did not end within 300 s: its class archive may be incomplete.")


def main(argv: list[str] | None = None) -> int:
    """`python -m streaming.class_archive PATH`: the run `make` starts, whose JVM writes the archive to PATH."""
    from stack import envfile

    envfile.load_defaults()  # as every entry point does (`make` passes its environment anyway)
    _exercise((sys.argv[1:] if argv is None else argv)[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: `python -m ingest replay PATH...` replays recorded matches into Kafka; `poll` follows a live provider."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from ingest import vocabulary
from ingest.errors import IngestError
from ingest.polling import cli as poll_cli
from ingest.producer import BULK_LINGER_MS, LIVE_LINGER_MS, MatchProducer, check_broker
from ingest.providers.statsbomb import files
from ingest.replay_runner import ReplayResult, run_replay
from ingest.replay_workers import replay_in_workers
from ingest.settings import KafkaSettings
from matchday import add_version_flag
from stack import envfile

BUNDLED = Path(__file__).resolve().parent / "data" / "statsbomb"


def _kickoff(text: str | None) -> datetime:
    if text is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise IngestError(f"--kickoff {text!r} is not an ISO-8601 time: give e.g. 2024-07-14T20:00:00Z.") from None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    add_version_flag(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    replay = commands.add_parser("replay", help="replay StatsBomb open-data matches into Kafka, as a live feed would")
    replay.add_argument("paths", nargs="*", type=Path, default=[BUNDLED],
                        help="open-data folders (with events/ and matches.json) or event files; default: the bundled matches")
    replay.add_argument("--matches", type=Path, help="matches.json with the match objects (default: the folder's own)")
    replay.add_argument("--match-ids", help="comma-separated StatsBomb match ids to replay (default: all found)")
    replay.add_argument("--speed", type=float, default=60.0, help="match seconds per real second; 0 = as fast as possible (default 60)")
    replay.add_argument("--kickoff", help="kick-off time of the replayed matches, ISO-8601 (default: now)")
    replay.add_argument("--workers", type=int,
                        help="processes sharing a --speed 0 replay, each match in one of them "
                             "(default: one per core, at most one per match); a paced replay runs in one process")
    replay.add_argument("--quiet", action="store_true", help="no progress bar")
    for contract in vocabulary.TOPICS:
        replay.add_argument(f"--topic-{contract}", dest=f"topic_{contract.replace('-', '_')}",
                            help=f"topic for {contract} (default: from KAFKA_TOPIC_*)")
    poll_cli.add_parser(commands)
    return parser


def replay(args: argparse.Namespace) -> int:
    if args.speed < 0:
        raise IngestError("--speed must be 0 (as fast as possible) or more.")
    settings = KafkaSettings.from_env()
    overrides = {name[len("topic_"):]: value for name, value in vars(args).items() if name.startswith("topic_") and value}
    settings = settings.with_topics(**overrides)
    match_ids = {part.strip() for part in args.match_ids.split(",") if part.strip()} if args.match_ids else None
    found = files.find_matches(list(args.paths), args.matches, match_ids)
    if not found:
        raise IngestError(f"No StatsBomb event files under {', '.join(map(str, args.paths))}: give a folder with events/<id>.json[.gz].")
    kickoff = _kickoff(args.kickoff)
    if args.workers is not None and (args.workers < 1 or (args.workers > 1 and args.speed > 0)):
        raise IngestError("--workers must be 1 or more, and more than 1 only with --speed 0 (a paced replay runs in one process).")
    workers = min(args.workers or len(os.sched_getaffinity(0)), len(found)) if args.speed == 0 else 1
    check_broker(settings)
    show_progress = False if args.quiet else None
    if workers > 1:
        result = replay_in_workers(found, settings, kickoff, workers, show_progress=show_progress)
        return _summary(result, len(found))
    matches = [files.load_match(match_file) for match_file in found]
    # The loaded matches live until the end: moved out of the garbage collector's sight, they are
    # not traversed again by each collection the replay's short-lived messages set off.
    gc.freeze()
    producer = MatchProducer(settings, linger_ms=BULK_LINGER_MS if args.speed == 0 else LIVE_LINGER_MS)
    producer.stop_on_signals()
    result = run_replay(matches, producer, kickoff, args.speed, show_progress=show_progress)
    return _summary(result, len(matches))


def _summary(result: ReplayResult, matches: int) -> int:
    print(f"replayed {result.matches} of {matches} matches: {result.messages} messages "
          f"({result.dead_letters} to dead letters) in {result.seconds:.1f} s, "
          f"{result.messages_per_second:.0f} messages/s"
          + (" (interrupted)" if result.interrupted else ""), file=sys.stderr)
    return 130 if result.interrupted else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    envfile.load_defaults()  # as the Makefile does, for runs without make
    try:
        return poll_cli.poll(args) if args.command == "poll" else replay(args)
    except IngestError as error:
        # Misconfiguration and bad input are explained in one sentence, without a traceback.
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""The `poll` command: polls one live provider and publishes to the four topics until stopped."""

from __future__ import annotations

import argparse
import logging
import sys

import requests

from ingest import vocabulary
from ingest.polling.poller import Poller, ids
from ingest.polling.registry import live_provider, live_providers
from ingest.polling.settings import PollSettings
from ingest.settings import KafkaSettings


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    poll = commands.add_parser("poll", help="poll a live provider (football-data.org, API-Football) into Kafka")
    poll.add_argument("--provider", required=True, choices=list(live_providers()))
    poll.add_argument("--competitions", default="",
                      help="comma-separated competitions: football-data codes (PL,WC) or API-Football league ids (39,4)")
    poll.add_argument("--fixtures", default="",
                      help="API-Football: comma-separated fixture ids to follow with fixtures?ids= (the 100/day plan)")
    poll.add_argument("--base-url", help="provider base URL (default: the provider's; tests use a local server)")
    poll.add_argument("--once", action="store_true", help="poll once and exit")
    for contract in vocabulary.TOPICS:
        poll.add_argument(f"--topic-{contract}", dest=f"topic_{contract.replace('-', '_')}",
                          help=f"topic for {contract} (default: from KAFKA_TOPIC_*)")
    return poll


def build_poller(args: argparse.Namespace, producer, settings: PollSettings) -> Poller:
    session = requests.Session()
    source = live_provider(settings.provider).make_source(
        session, settings, ids(args.competitions.split(",")), ids(args.fixtures.split(",")))
    return Poller(source, producer, settings.high_priority, settings.state_file)


def poll(args: argparse.Namespace) -> int:
    # Keys first: a missing key is the likeliest mistake and needs no broker to report.
    settings = PollSettings.from_env(args.provider, base_url=args.base_url)
    from ingest.producer import MatchProducer, check_broker

    kafka = KafkaSettings.from_env()
    overrides = {name[len("topic_"):]: value for name, value in vars(args).items() if name.startswith("topic_") and value}
    kafka = kafka.with_topics(**overrides)
    check_broker(kafka)
    producer = MatchProducer(kafka, name=f"ingest.poll.{args.provider}")
    producer.stop_on_signals()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    poller = build_poller(args, producer, settings)
    poller.stopping = producer.stopping
    totals = {"sent": 0, "dead_letters": 0}

    def on_round(result) -> None:
        totals["sent"] += result.sent
        totals["dead_letters"] += result.dead_letters
        producer.flush()
        print(f"{settings.provider}: {result.sent} messages, {result.dead_letters} dead letters"
              + (f" ({result.error})" if result.error else "") + f"; next poll in {result.next_delay:.0f} s",
              file=sys.stderr)

    poller.run(once=args.once, on_round=on_round)
    producer.flush()
    return 0

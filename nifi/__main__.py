"""`python -m nifi deploy|undeploy|export|definition`: the NiFi flow as code (see nifi/README.md)."""

from __future__ import annotations

import argparse
import json
import sys

from matchday import add_version_flag
from nifi import NiFiError, definition
from nifi.client import NiFiClient
from stack.cli import command


def connect() -> NiFiClient:
    from stack import StackError
    from stack import nifi as stack_nifi

    try:
        settings = stack_nifi.NiFiSettings.from_env()
    except StackError as error:
        raise NiFiError(str(error)) from None
    if not stack_nifi.SERVER_CERT.exists():
        raise NiFiError(f"NiFi's certificate {stack_nifi.SERVER_CERT} is missing: run `make up NIFI=1` first.")
    return NiFiClient(settings.url, settings.username, settings.password, str(stack_nifi.SERVER_CERT)).login()


@command("matchday nifi", NiFiError)
def main(argv: list[str] | None = None) -> int:
    from stack import envfile

    parser = argparse.ArgumentParser(prog="python -m nifi", description=__doc__)
    add_version_flag(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    deploy_parser = sub.add_parser("deploy", help="replace the flow in NiFi with nifi/flow/ and start it")
    deploy_parser.add_argument("--base-url", help="provider API root (NIFI_PROVIDER_BASE_URL)")
    deploy_parser.add_argument("--competitions", help="competition codes, comma-separated (NIFI_COMPETITIONS)")
    deploy_parser.add_argument("--poll-seconds", type=float, help="seconds between calls (NIFI_POLL_SECONDS)")
    deploy_parser.add_argument("--topic-live-matches", help="KAFKA_TOPIC_LIVE_MATCHES")
    deploy_parser.add_argument("--topic-dead-letters", help="KAFKA_TOPIC_DEAD_LETTERS")
    deploy_parser.add_argument("--raw-archive-dir", help="NIFI_RAW_ARCHIVE_DIR")
    deploy_parser.add_argument("--stopped", action="store_true", help="import it without starting it")
    sub.add_parser("undeploy", help="stop and remove the flow and its parameter context")
    sub.add_parser("export", help="print the deployed flow as NiFi exports it")
    sub.add_parser("definition", help="write nifi/flow/ from nifi/definition.py")
    args = parser.parse_args(argv)
    envfile.load_defaults()
    if args.command == "definition":
        print(f"wrote {definition.write()}")
        return 0
    from nifi import deploy
    from nifi.settings import FlowSettings

    if args.command == "deploy":
        # The settings first: a misconfiguration fails before NiFi is asked anything.
        settings = FlowSettings.from_env(base_url=args.base_url, competitions=args.competitions,
                                         poll_seconds=args.poll_seconds, topic_live_matches=args.topic_live_matches,
                                         topic_dead_letters=args.topic_dead_letters, raw_archive_dir=args.raw_archive_dir)
    client = connect()
    if args.command == "deploy":
        group_id = deploy.deploy(client, settings, start=not args.stopped)
        state = "imported" if args.stopped else "running"
        print(f"nifi: flow {definition.FLOW_NAME!r} {state} (group {group_id}), polling {settings.base_url} every "
              f"{settings.poll_seconds:g} s, publishing to {settings.kafka.topics.live_matches} on {settings.kafka.bootstrap_servers} "
              f"({settings.kafka.security_protocol})")
    elif args.command == "undeploy":
        print("nifi: flow removed" if deploy.undeploy(client) else "nifi: no flow to remove")
    else:
        json.dump(deploy.export(client), sys.stdout, indent=2, sort_keys=True)
        print()


if __name__ == "__main__":
    sys.exit(main())

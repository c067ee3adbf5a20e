"""Writes the flow definition (nifi/flow/football-data-live-matches.json) in the format NiFi 1.18
exports and imports ("Download flow definition"), from the football-data.org spec of ingest/.

The provider's statuses and stages are read from `ingest.providers.football_data.spec`, and the
field rules are those of its parser and of `ingest.polling.snapshots` (first sight of a match),
written as NiFi Expression Language: one home for the vocabulary, a test for the rules
(tests/nifi compares the flow's messages with the poller's).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from ingest.contracts import current_version
from ingest.polling.snapshots import PERIOD_END_MINUTE, PERIOD_START_MINUTE
from ingest.providers.football_data import spec
from ingest.replay import ID_NAMESPACE

FLOW_NAME = "football-data.org to Kafka"
PARAMETER_CONTEXT = "matchday football-data"
DEFINITION = Path(__file__).resolve().parent / "flow" / "football-data-live-matches.json"
NIFI_VERSION = "1.18.0"
STANDARD = {"group": "org.apache.nifi", "artifact": "nifi-standard-nar", "version": NIFI_VERSION}
KAFKA = {"group": "org.apache.nifi", "artifact": "nifi-kafka-2-6-nar", "version": NIFI_VERSION}
SSL = {"group": "org.apache.nifi", "artifact": "nifi-ssl-context-service-nar", "version": NIFI_VERSION}
SERVICES_API = {"group": "org.apache.nifi", "artifact": "nifi-standard-services-api-nar", "version": NIFI_VERSION}
POLL_PROCESSOR = "Poll football-data.org /v4/matches"
SSL_SERVICE = "Kafka truststore (SSL context)"

# name, description, sensitive, default value (the deploy command sets them from the settings)
PARAMETERS = (
    ("provider_base_url", "football-data.org API root (a local replay server in the tests)", False, spec.BASE_URL),
    ("football_data_api_key", "X-Auth-Token of football-data.org (FOOTBALL_DATA_API_KEY)", True, None),
    ("competitions", "Competition codes, comma-separated (e.g. WC,PL); empty: every competition of the plan", False, ""),
    ("poll_interval", "Seconds between two calls; never below 60 / the plan's calls a minute (the deploy command checks)", False, "60 sec"),
    ("raw_archive_dir", "Where every raw response is kept gzipped, by provider and UTC date", False, ".stack/raw"),
    ("kafka_bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS", False, "localhost:9092"),
    ("kafka_security_protocol", "PLAINTEXT, or SASL_SSL (local listener, Confluent Cloud)", False, "PLAINTEXT"),
    ("kafka_sasl_mechanism", "PLAIN for SASL_SSL (Confluent Cloud: PLAIN)", False, "PLAIN"),
    ("kafka_sasl_username", "SASL user (Confluent Cloud: the API key)", False, ""),
    ("kafka_sasl_password", "SASL password (Confluent Cloud: the API secret)", True, None),
    ("kafka_truststore", "PKCS12 truststore with the brokers' CA (made from KAFKA_SSL_CA_LOCATION)", False, ""),
    ("kafka_truststore_type", "PKCS12 or JKS", False, "PKCS12"),
    ("kafka_truststore_password", "Password of the truststore", True, None),
    ("kafka_topic_live_matches", "KAFKA_TOPIC_LIVE_MATCHES", False, "live-matches"),
    ("kafka_topic_dead_letters", "KAFKA_TOPIC_DEAD_LETTERS", False, "dead-letters"),
)

LIVE = ("IN_PLAY", "PAUSED", "EXTRA_TIME", "PENALTY_SHOOTOUT", "SUSPENDED")
SCHEDULED = ("SCHEDULED", "TIMED", "POSTPONED", "CANCELLED")
FINISHED = ("FINISHED", "AWARDED")
CONTRACT_IN_PLAY = ("LIVE", "EXTRA_TIME", "PENALTIES")


def _id(name: str) -> str:
    """Stable component ids: a re-generated definition differs only where the flow does."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://matchday.local/nifi/{name}"))


# --- Expression Language pieces -------------------------------------------------------------
def q(text: str) -> str:
    """An EL string literal."""
    return "'" + text.replace("'", "\\'") + "'"


def attr_or(name: str, default: str) -> str:
    return f"${{{name}:replaceEmpty({q(default)})}}"


def json_string(name: str, fallback: str | None = None) -> str:
    """A JSON string of an attribute, or null when it is empty."""
    inner = f"{name}:replaceEmpty(${{{fallback}}})" if fallback else name
    return f"${{{inner}:isEmpty():ifElse('null', ${{{inner}:escapeJson():prepend('\"'):append('\"')}})}}"


def json_number(name: str) -> str:
    return f"${{{name}:replaceEmpty('null')}}"


def number(name: str) -> str:
    """An attribute as a whole number, 0 when empty (the parser's `or 0`)."""
    return f"${{{name}:replaceEmpty('0'):toNumber()}}"


def choose(pairs: list[tuple[str, str]], otherwise: str) -> str:
    """Nested ifElse: the value of the first (condition, value) whose condition is true.
    Conditions are EL bodies (no ${}); values are quoted literals or embedded expressions."""
    result = otherwise
    for condition, value in reversed(pairs):
        result = f"${{{condition}:ifElse({value}, {result})}}"
    return result


def num(expression: str) -> str:
    """An embedded expression's value as a number (EL compares and subtracts numbers only)."""
    return expression[:-1] + ":toNumber()}"


def status_in(statuses: tuple[str, ...]) -> str:
    return "fd.status:in(" + ",".join(q(s) for s in statuses) + ")"


def is_set(name: str) -> str:
    return f"{name}:isEmpty():not()"


def concat(parts: list[str]) -> str:
    """Literal text and embedded expressions, joined (EL does not look inside quoted literals)."""
    body = "literal('')"
    for part in parts:
        body += f":append({part if part.startswith('${') else q(part)})"
    return body


def titled(name: str, words: int = 4) -> str:
    """A provider code as the parser shows a stage it does not know: `LAST_64` -> "Last 64" (str.title)."""
    def word(index: int) -> str:
        field = f"{name}:getDelimitedField({index}, '_')"
        return f"${{{field}:substring(0, 1):toUpper():append(${{{field}:substring(1):toLower()}})}}"
    parts = [word(1)]
    for index in range(2, words + 1):
        field = f"{name}:getDelimitedField({index}, '_')"
        parts.append(f"${{{field}:isEmpty():ifElse('', ${{literal(' '):append({word(index)})}})}}")
    return "${" + concat(parts) + ":escapeJson():prepend('\"'):append('\"')}"


def contract_status() -> str:
    """spec.STATUSES, with PAUSED as a BREAK once regular time is over (the parser's _period)."""
    paused = f"${{{is_set('fd.et.home')}:or(${{{is_set('fd.rt.home')}}}):ifElse('BREAK', 'HALF_TIME')}}"
    pairs = [(f"fd.status:equals({q(provider)})", paused if provider == "PAUSED" else q(ours))
             for provider, ours in spec.STATUSES.items()]
    return choose(pairs, "${fd.status}")


def live_period() -> str:
    """Period of a match in play, from its status and score parts (list form: no match clock)."""
    return choose([
        ("fd.status:equals('PENALTY_SHOOTOUT')", "'5'"),
        ("fd.status:equals('EXTRA_TIME')", "'3'"),  # the list form has no minute to tell 4 from 3
        ("fd.status:equals('PAUSED')", f"${{{is_set('fd.et.home')}:ifElse('3', ${{{is_set('fd.rt.home')}:ifElse('2', '1')}})}}"),
    ], f"${{{is_set('fd.ht.home')}:ifElse('2', '1')}}")


def finished_period() -> str:
    return choose([(f"fd.duration:equals({q(duration)})", q(str(period))) for duration, period in spec.FINAL_PERIOD.items()], "'2'")


def by_period(period: str, values: dict[int, int]) -> str:
    return choose([(f"literal({period}):equals('{p}')", q(str(v))) for p, v in values.items()], "'0'")


def estimated_minute(period: str, status: str) -> tuple[str, str]:
    """(minute, added_time) as `clock_at` estimates them from the kick-off (snapshots.clock_at)."""
    end = num(by_period(period, PERIOD_END_MINUTE))
    start = num(by_period(period, PERIOD_START_MINUTE))
    breaks = num(by_period(period, {1: 0, 2: 15, 3: 20, 4: 22, 5: 27}))
    elapsed = ("${now():toNumber():minus(${fd.utcDate:toDate(\"yyyy-MM-dd'T'HH:mm:ss'Z'\", 'GMT'):toNumber()})"
               ":divide(60000):minus(" + breaks + ")}")
    raw = f"${{literal({elapsed}):toNumber():gt({start}):ifElse({elapsed}, {start})}}"
    in_play = f"literal({status}):in(" + ",".join(q(s) for s in CONTRACT_IN_PLAY) + ")"
    minute = f"${{{in_play}:ifElse(${{literal({raw}):toNumber():lt({end}):ifElse({raw}, {end})}}, {end})}}"
    over = f"${{literal({raw}):toNumber():minus({end})}}"
    added = (f"${{{in_play}:and(${{literal({period}):equals('5'):not()}}):ifElse("
             f"${{literal({over}):toNumber():gt(0):ifElse({over}, '0')}}, '0')}}")
    return minute, added


def snapshot_template(kind: str) -> str:
    """The live-matches message of one match item (attributes fd.*) for a route of the status."""
    status = "${fd.status:equals('TIMED'):ifElse('SCHEDULED', ${fd.status})}" if kind == "scheduled" else contract_status()
    match_id = "football-data:${fd.id}"
    if kind == "scheduled":
        period = minute = second = added = home = away = home_pens = away_pens = "null"
        key_values = ["None"] * 7
    else:
        period = live_period() if kind == "live" else finished_period()
        if kind == "live":
            minute, added = estimated_minute(period, status)
        else:
            minute, added = by_period(period, PERIOD_END_MINUTE), "0"
        second = "0"
        # fullTime includes shoot-out goals: take them back out (the parser's rule).
        home = f"${{{number('fd.ft.home')[2:-1]}:minus({number('fd.pen.home')})}}"
        away = f"${{{number('fd.ft.away')[2:-1]}:minus({number('fd.pen.away')})}}"
        shootout = ("fd.status:equals('PENALTY_SHOOTOUT'):or(${fd.duration:equals('PENALTY_SHOOTOUT')}):or(${"
                    + is_set("fd.pen.home") + "})")
        home_pens = f"${{{shootout}:ifElse({number('fd.pen.home')}, 'null')}}"
        away_pens = f"${{{shootout}:ifElse({number('fd.pen.away')}, 'null')}}"
        key_values = [period, home, away, f"${{{shootout}:ifElse({number('fd.pen.home')}, 'None')}}",
                      f"${{{shootout}:ifElse({number('fd.pen.away')}, 'None')}}"]
        key_values = [key_values[0], "None", "None", *key_values[1:]]
    # uuid5 over the match id and its state key, as derived_id("live-matches", match_id, *state_key()):
    # status, period, minute and added time (None: the list form has no clock), scores, shoot-out,
    # red cards (None: the list form has no bookings).
    parts = ["live-matches/football-data:", "${fd.id}", "/", status]
    for value in [*key_values, "None", "None"]:
        parts += ["/", value]
    event_id = "${" + concat(parts) + ":UUID5('" + str(ID_NAMESPACE) + "')}"
    season = ("${fd.season.start:isEmpty():ifElse('null', ${fd.season.start:substring(0,4):equals(${fd.season.end:replaceEmpty(${fd.season.start}):substring(0,4)})"
              ":ifElse(${fd.season.start:substring(0,4)}, ${fd.season.start:substring(0,4):append('/'):append(${fd.season.end:substring(0,4)})})"
              ":prepend('\"'):append('\"')})}")
    stage = choose([(f"fd.stage:equals({q(code)})", q(json.dumps(name))) for code, name in spec.STAGES.items()],
                   f"${{fd.stage:isEmpty():ifElse('null', {titled('fd.stage')})}}")
    fields = [
        ("schema_version", str(current_version("live-matches"))),
        ("event_id", f'"{event_id}"'),
        ("match_id", f'"{match_id}"'),
        ("provider", f'"{spec.PROVIDER}"'),
        ("timestamp", "\"${now():format(\"yyyy-MM-dd'T'HH:mm:ss.SSS'+00:00'\", 'GMT')}\""),
        ("period", period), ("minute", minute), ("second", second), ("added_time", added),
        # The flow keeps no memory between polls: every snapshot is a first sight of its match.
        ("sequence", "0"),
        ("status", f'"{status}"'),
        ("trigger", '"STATUS"'),
        ("provider_status", '"${fd.status}"'),
        ("home_team_id", json_number("fd.home.id")),
        ("home_team_name", "${fd.home.name:replaceEmpty(${fd.home.shortName}):escapeJson():prepend('\"'):append('\"')}"),
        ("away_team_id", json_number("fd.away.id")),
        ("away_team_name", "${fd.away.name:replaceEmpty(${fd.away.shortName}):escapeJson():prepend('\"'):append('\"')}"),
        ("home_score", home), ("away_score", away),
        ("home_penalty_score", home_pens), ("away_penalty_score", away_pens),
        ("home_red_cards", "null"), ("away_red_cards", "null"),  # the list form carries no bookings
        ("competition_id", json_number("fd.competition.id")),
        ("competition_name", json_string("fd.competition.name")),
        ("season_name", season),
        ("stage", stage),
        ("kickoff", "${fd.utcDate:isEmpty():ifElse('null', ${fd.utcDate:replace('Z', '+00:00'):prepend('\"'):append('\"')})}"),
        ("match_date", "${fd.utcDate:isEmpty():ifElse('null', ${fd.utcDate:substring(0, 10):prepend('\"'):append('\"')})}"),
        ("venue", json_string("fd.venue")),
    ]
    return "{" + ", ".join(f'"{name}": {value}' for name, value in fields) + "}"


# --- components -----------------------------------------------------------------------------
GROUP = _id("group")


def _position(column: int, row: int) -> dict[str, float]:
    return {"x": 420.0 * column, "y": 200.0 * row}


def processor(name: str, kind: str, column: int, row: int, properties: dict[str, str], *, bundle=STANDARD,
              schedule: str = "0 sec", auto_terminate: tuple[str, ...] = (), comments: str = "",
              sensitive_dynamic: tuple[str, ...] = (), penalty: str = "30 sec") -> dict[str, Any]:
    return {
        "identifier": _id(f"processor/{name}"),
        "instanceIdentifier": _id(f"processor-instance/{name}"),
        "name": name,
        "comments": comments,
        "position": _position(column, row),
        "type": kind,
        "bundle": bundle,
        "properties": properties,
        "propertyDescriptors": {
            prop: {"name": prop, "displayName": prop, "identifiesControllerService": False, "sensitive": True}
            for prop in sensitive_dynamic
        },
        "style": {},
        "schedulingPeriod": schedule,
        "schedulingStrategy": "TIMER_DRIVEN",
        "executionNode": "ALL",
        "penaltyDuration": penalty,
        "yieldDuration": "1 sec",
        "bulletinLevel": "WARN",
        "runDurationMillis": 0,
        "concurrentlySchedulableTaskCount": 1,
        "autoTerminatedRelationships": list(auto_terminate),
        "scheduledState": "ENABLED",
        "retryCount": 10,
        "retriedRelationships": [],
        "backoffMechanism": "PENALIZE_FLOWFILE",
        "maxBackoffPeriod": "10 mins",
        "componentType": "PROCESSOR",
        "groupIdentifier": GROUP,
    }


def connection(source: str, destination: str, relationships: list[str]) -> dict[str, Any]:
    return {
        "identifier": _id(f"connection/{source}/{destination}/{','.join(relationships)}"),
        "instanceIdentifier": _id(f"connection-instance/{source}/{destination}/{','.join(relationships)}"),
        "name": "",
        "source": {"id": _id(f"processor/{source}"), "type": "PROCESSOR", "groupId": GROUP, "name": source},
        "destination": {"id": _id(f"processor/{destination}"), "type": "PROCESSOR", "groupId": GROUP, "name": destination},
        "labelIndex": 1,
        "zIndex": 0,
        "selectedRelationships": relationships,
        "backPressureObjectThreshold": 10000,
        "backPressureDataSizeThreshold": "1 GB",
        "flowFileExpiration": "0 sec",
        "prioritizers": [],
        "bends": [],
        "loadBalanceStrategy": "DO_NOT_LOAD_BALANCE",
        "partitioningAttribute": "",
        "loadBalanceCompression": "DO_NOT_COMPRESS",
        "componentType": "CONNECTION",
        "groupIdentifier": GROUP,
    }


STD = "org.apache.nifi.processors.standard."
# Dead letters: one small step per reason sets the `reason` attribute (NiFi 1.18's standard bundle
# has no UpdateAttribute), then one publisher sends the unchanged payload with it as a header.
REASONS = {
    "Reason: provider error": "football-data.org answered ${invokehttp.status.code} ${invokehttp.status.message}"
                              "${invokehttp.java.exception.message:prepend(' ')}",
    "Reason: response not JSON": "football-data response without matches: not JSON with a matches list "
                                 "(HTTP ${invokehttp.status.code})",
    "Reason: item unreadable": "football-data match ${fd.id:replaceEmpty('?')} unreadable",
    "Reason: item off contract": "football-data match ${fd.id:replaceEmpty('?')} does not fit the live-matches contract",
    "Reason: unknown status": "football-data match ${fd.id} has an unknown status ${fd.status}",
    "Reason: archive failed": "the raw football-data response could not be archived under #{raw_archive_dir}",
    "Reason: publish failed": "Kafka refused the live-matches message of football-data:${fd.id}",
}
DEAD_LETTERS = "Publish dead letters"
LIVE_PUBLISHER = "Publish live-matches"


def _kafka_properties(topic: str, key: str, headers: str) -> dict[str, str]:
    return {
        "bootstrap.servers": "#{kafka_bootstrap_servers}",
        "topic": topic,
        "use-transactions": "false",
        "acks": "all",
        "kafka-key": key,
        "key-attribute-encoding": "utf-8",
        "attribute-name-regex": headers,
        "security.protocol": "#{kafka_security_protocol}",
        "sasl.mechanism": "#{kafka_sasl_mechanism}",
        "sasl.username": "#{kafka_sasl_username}",
        "sasl.password": "#{kafka_sasl_password}",
        "compression.type": "none",
        "max.request.size": "1 MB",
        "ack.wait.time": "5 secs",
        "max.block.ms": "5 sec",
        "partitioner.class": "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
    }


def build() -> dict[str, Any]:
    fields = {
        "fd.id": "$.id", "fd.status": "$.status", "fd.utcDate": "$.utcDate",
        "fd.home.id": "$.homeTeam.id", "fd.home.name": "$.homeTeam.name", "fd.home.shortName": "$.homeTeam.shortName",
        "fd.away.id": "$.awayTeam.id", "fd.away.name": "$.awayTeam.name", "fd.away.shortName": "$.awayTeam.shortName",
        "fd.ft.home": "$.score.fullTime.home", "fd.ft.away": "$.score.fullTime.away",
        "fd.pen.home": "$.score.penalties.home", "fd.pen.away": "$.score.penalties.away",
        "fd.ht.home": "$.score.halfTime.home", "fd.rt.home": "$.score.regularTime.home", "fd.et.home": "$.score.extraTime.home",
        "fd.duration": "$.score.duration", "fd.competition.id": "$.competition.id", "fd.competition.name": "$.competition.name",
        "fd.season.start": "$.season.startDate", "fd.season.end": "$.season.endDate", "fd.stage": "$.stage", "fd.venue": "$.venue",
    }
    started = status_in(LIVE + FINISHED)
    fits = {
        "id is a number": "${fd.id:matches('[0-9]+')}",
        "both teams named": "${fd.home.name:replaceEmpty(${fd.home.shortName}):isEmpty():not():and(${fd.away.name:replaceEmpty(${fd.away.shortName}):isEmpty():not()})}",
        "kick-off is a UTC time": "${fd.utcDate:matches('[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z')}",
        # fullTime includes the shoot-out: it can never be less than it.
        "fullTime covers the shoot-out": "${" + started + ":not():or(${" + number("fd.ft.home")[2:-1] + ":ge("
                                         + number("fd.pen.home") + "):and(${" + number("fd.ft.away")[2:-1] + ":ge(" + number("fd.pen.away") + ")})})}",
    }
    query = "${#{competitions}:isEmpty():ifElse('', ${#{competitions}:prepend('?competitions=')})}"
    processors = [
        processor(POLL_PROCESSOR, STD + "InvokeHTTP", 0, 0, {
            "HTTP Method": "GET",
            "Remote URL": "#{provider_base_url}/v4/matches" + query,
            "Connection Timeout": "5 secs",
            "Read Timeout": "15 secs",
            "Always Output Response": "true",
            "Add Response Headers to Request": "false",
            "Penalize on \"No Retry\"": "false",
            "send-message-body": "false",
            "X-Auth-Token": "#{football_data_api_key}",
        }, schedule="60 sec", auto_terminate=("Original",), sensitive_dynamic=("X-Auth-Token",),
            comments="One call per run; the run schedule is the poll interval, set by the deploy command from "
                     "NIFI_POLL_SECONDS (never more often than the plan's calls a minute allow). "
                     "Error answers come out of Response too (Always Output Response), with invokehttp.status.code."),
        processor("Gzip the raw response", STD + "CompressContent", 1, 0, {
            "Mode": "compress", "Compression Format": "gzip", "Compression Level": "6", "Update Filename": "true"}),
        processor("Archive the raw response", STD + "PutFile", 2, 0, {
            "Directory": "#{raw_archive_dir}/provider=football-data/date=${now():format('yyyy-MM-dd', 'GMT')}",
            "Conflict Resolution Strategy": "fail", "Create Missing Directories": "true"},
            auto_terminate=("success",),
            comments="Every answer, unchanged and gzipped: a day can be replayed from the provider's own bytes."),
        processor("Answered 200?", STD + "RouteOnAttribute", 0, 1, {
            "Routing Strategy": "Route to 'match' if all match", "answered 200": "${invokehttp.status.code:equals('200')}"}),
        processor("Split the matches", STD + "SplitJson", 0, 2, {
            "JsonPath Expression": "$.matches", "Null Value Representation": "empty string"},
            auto_terminate=("original",)),
        processor("Read the match fields", STD + "EvaluateJsonPath", 0, 3, {
            "Destination": "flowfile-attribute", "Return Type": "auto-detect", "Path Not Found Behavior": "ignore",
            "Null Value Representation": "empty string", **fields}),
        processor("Fits the contract?", STD + "RouteOnAttribute", 0, 4, {
            "Routing Strategy": "Route to 'match' if all match", **fits}),
        processor("Route on status", STD + "RouteOnAttribute", 0, 5, {
            "Routing Strategy": "Route to Property name",
            "live": "${" + status_in(LIVE) + "}",
            "scheduled": "${" + status_in(SCHEDULED) + "}",
            "finished": "${" + status_in(FINISHED) + "}"}),
        *[processor(f"To live-matches: {kind}", STD + "ReplaceText", column, 6, {
            "Regular Expression": "(?s)(^.*$)", "Replacement Value": snapshot_template(kind),
            "Character Set": "UTF-8", "Maximum Buffer Size": "1 MB", "Replacement Strategy": "Always Replace",
            "Evaluation Mode": "Entire text"}) for column, kind in ((0, "live"), (1, "scheduled"), (2, "finished"))],
        processor(LIVE_PUBLISHER, "org.apache.nifi.processors.kafka.pubsub.PublishKafka_2_6", 1, 7,
                  _kafka_properties("#{kafka_topic_live_matches}", "football-data:${fd.id}", ""),
                  bundle=KAFKA, auto_terminate=("success",),
                  comments="Keyed by match_id, acks=all. The event id is a uuid5 of the match's state: an unchanged "
                           "match polled again lands once."),
        processor(DEAD_LETTERS, "org.apache.nifi.processors.kafka.pubsub.PublishKafka_2_6", 4, 4,
                  _kafka_properties("#{kafka_topic_dead_letters}", "football-data:poll", "reason"),
                  bundle=KAFKA, auto_terminate=("success",), penalty="10 sec",
                  comments="The unchanged payload, with the reason as a header. A failure stays queued here (retried), "
                           "visible in the UI and as a bulletin: nothing is dropped."),
        *[processor(name, STD + "ExecuteStreamCommand", 3, row, {
            "Command Path": "printf", "Command Arguments": "%s;" + text, "Argument Delimiter": ";",
            "Ignore STDIN": "true", "Output Destination Attribute": "reason", "Max Attribute Length": "512",
            "Working Directory": "/"}) for row, (name, text) in enumerate(REASONS.items())],
    ]
    routes = [
        (POLL_PROCESSOR, "Gzip the raw response", ["Response"]),
        (POLL_PROCESSOR, "Answered 200?", ["Response"]),
        (POLL_PROCESSOR, "Reason: provider error", ["Retry", "No Retry", "Failure"]),
        ("Gzip the raw response", "Archive the raw response", ["success"]),
        ("Gzip the raw response", "Reason: archive failed", ["failure"]),
        ("Archive the raw response", "Reason: archive failed", ["failure"]),
        ("Answered 200?", "Split the matches", ["matched"]),
        ("Answered 200?", "Reason: provider error", ["unmatched"]),
        ("Split the matches", "Read the match fields", ["split"]),
        ("Split the matches", "Reason: response not JSON", ["failure"]),
        ("Read the match fields", "Fits the contract?", ["matched"]),
        ("Read the match fields", "Reason: item unreadable", ["unmatched", "failure"]),
        ("Fits the contract?", "Route on status", ["matched"]),
        ("Fits the contract?", "Reason: item off contract", ["unmatched"]),
        ("Route on status", "To live-matches: live", ["live"]),
        ("Route on status", "To live-matches: scheduled", ["scheduled"]),
        ("Route on status", "To live-matches: finished", ["finished"]),
        ("Route on status", "Reason: unknown status", ["unmatched"]),
        *[(f"To live-matches: {kind}", LIVE_PUBLISHER, ["success"]) for kind in ("live", "scheduled", "finished")],
        *[(f"To live-matches: {kind}", "Reason: item unreadable", ["failure"]) for kind in ("live", "scheduled", "finished")],
        (LIVE_PUBLISHER, "Reason: publish failed", ["failure"]),
        *[(name, DEAD_LETTERS, ["original"]) for name in REASONS],
        (DEAD_LETTERS, DEAD_LETTERS, ["failure"]),
    ]
    ssl_service = {
        "identifier": _id("service/ssl"),
        "instanceIdentifier": _id("service-instance/ssl"),
        "name": SSL_SERVICE,
        "comments": "Trusts the brokers' CA for SASL_SSL (the local listener, or Confluent Cloud's public CA).",
        "type": "org.apache.nifi.ssl.StandardSSLContextService",
        "bundle": SSL,
        "properties": {
            "Truststore Filename": "#{kafka_truststore}",
            "Truststore Type": "#{kafka_truststore_type}",
            "Truststore Password": "#{kafka_truststore_password}",
            "SSL Protocol": "TLS",
        },
        "propertyDescriptors": {},
        "controllerServiceApis": [{"type": "org.apache.nifi.ssl.SSLContextService", "bundle": SERVICES_API},
                                  {"type": "org.apache.nifi.ssl.RestrictedSSLContextService", "bundle": SERVICES_API}],
        "scheduledState": "DISABLED",
        "bulletinLevel": "WARN",
        "componentType": "CONTROLLER_SERVICE",
        "groupIdentifier": GROUP,
    }
    group = {
        "identifier": GROUP,
        "instanceIdentifier": _id("group-instance"),
        "name": FLOW_NAME,
        "comments": "Polls football-data.org and publishes the live-matches contract (ingest/contracts) to Kafka; "
                    "dead letters with their reason; every raw answer archived.",
        "position": {"x": 0.0, "y": 0.0},
        "processGroups": [], "remoteProcessGroups": [], "inputPorts": [], "outputPorts": [], "labels": [], "funnels": [],
        "processors": processors,
        "connections": [connection(s, d, r) for s, d, r in routes],
        "controllerServices": [ssl_service],
        "variables": {},
        "parameterContextName": PARAMETER_CONTEXT,
        "flowFileConcurrency": "UNBOUNDED",
        "flowFileOutboundPolicy": "STREAM_WHEN_AVAILABLE",
        "defaultFlowFileExpiration": "0 sec",
        "defaultBackPressureObjectThreshold": 10000,
        "defaultBackPressureDataSizeThreshold": "1 GB",
        "componentType": "PROCESS_GROUP",
    }
    parameters = [{"name": name, "description": description, "sensitive": sensitive, "value": value}
                  for name, description, sensitive, value in PARAMETERS]
    return {
        "flowContents": group,
        "externalControllerServices": {},
        "parameterContexts": {PARAMETER_CONTEXT: {"name": PARAMETER_CONTEXT, "parameters": parameters,
                                                  "inheritedParameterContexts": [], "componentType": "PARAMETER_CONTEXT"}},
        "flowEncodingVersion": "1.0",
        "parameterProviders": {},
        "latest": False,
    }


def write(path: Path = DEFINITION) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build(), indent=2, sort_keys=True) + "\n")
    return path

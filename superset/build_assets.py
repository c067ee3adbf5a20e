"""Build matchday's datasets, charts and dashboards in a running Superset through its REST API.

The documented way to change the dashboards: edit the specification below (or the dashboard
in the UI), run this against `make up`'s Superset, then `export_assets.py` writes
superset/assets/, which is what the stack imports. Run again, it updates the objects in place.

    .venv/bin/python superset/build_assets.py && .venv/bin/python superset/export_assets.py
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dbt_project.live_marts import shown_marts  # noqa: E402
from ingest.vocabulary import UNDER_WAY  # noqa: E402
from stack import envfile  # noqa: E402
from stack.cli import command  # noqa: E402
import pitch_svg  # noqa: E402
from superset_api import SupersetApi, SupersetApiError  # noqa: E402

REFRESH_SECONDS = 30
DATABASE = "matchday"
# Physical datasets: the live marts that dbt builds (tagged `live` in marts.yml), and the
# pipeline's own tables for its health (source_freshness: the transform loop's freshness check).
DATASETS = {**dict.fromkeys(shown_marts(), "marts"), "pipeline_metrics": "streaming", "dead_letter": "streaming",
            "source_freshness": "streaming"}
CREDIT = "Data provided by StatsBomb (StatsBomb open data, replayed as a live feed)."
LIVE_STATUSES = "(" + ", ".join(f"'{status}'" for status in UNDER_WAY) + ")"

# --- What a fan reads -----------------------------------------------------------------------
# Every column of every dataset gets a verbose name, which Superset shows in table headers and the
# Explore view: the column's name in words (xg -> xG), unless named here.
COLUMN_LABELS = {
    "match": "Match", "xg": "xG", "player_name": "Player", "other_player_name": "Other player",
    "minutes_played": "Minutes", "display_minute": "Time", "category": "Moment", "pass_accuracy": "Pass accuracy %",
    "updated_at": "Updated", "total_points": "Points", "bonus_points": "Bonus", "window_start_minute": "Minute",
    "p_home": "Home team win", "p_draw": "Draw", "p_away": "Away team win",
    "max_loaded_at": "Newest row landed", "age_seconds": "Age (s)", "checked_at": "Checked",
    "group_name": "Group", "played": "P", "won": "W", "drawn": "D", "lost": "L", "goals_for": "GF",
    "goals_against": "GA", "goal_difference": "GD", "points": "Pts", "fair_play_points": "Fair play",
    "live_matches": "Live", "fantasy_points": "Fantasy points",
    "rank_overall": "Rank", "rank_in_position": "Rank in position", "player_out": "Out", "player_in": "In",
    "player_out_form": "Out: points per 90", "player_in_form": "In: points per 90", "form_gain": "Gain per 90",
    "player_in_team": "In: team", "player_in_price": "In: price (m)",
    "sent_at": "When", "notification": "What happened",
}
WORDS = {"xg": "xG", "bps": "BPS", "ms": "(ms)", "id": "id"}
# The numbers that are not whole, by the label a fan reads above them (a column's or a metric's).
NUMBER_FORMATS = {"xG": ".2f", "xG, last 15 min": ".2f", "Out: points per 90": ".1f", "In: points per 90": ".1f", "Gain per 90": ".1f",
                  "Pass accuracy %": ".1f", "Age (s)": ",.0f", "Rating": ".1f", "PPDA": ".1f",
                  "Possession %": ".0f"}

# How a fan names a match: "Portugal – Spain (15 Jun 2018)", from the scoreboard. It is a calculated
# column `match` of every dataset with a match_id, so tables show it instead of the provider's id and
# the Match centre's filter picks a match by it.
MATCH = "match"
MATCH_LABEL = ("{p}home_team || ' – ' || {p}away_team"
               " || COALESCE(' (' || to_char({p}match_date, 'FMDD Mon YYYY') || ')', '')")
# The newest match first, in the Match centre's filter: the one whose latest moment is the latest.
LAST_UPDATE = {"metric_name": "last_update", "verbose_name": "Last update", "expression": "MAX(updated_at)"}
# The players in the Player performance's filter, the one with the most touches first.
MOST_TOUCHES = {"metric_name": "most_touches", "verbose_name": "Touches", "expression": "SUM(touches)"}
# The saved metrics of a dataset, which a native filter can sort its values by.
DATASET_METRICS = {"scoreboard": LAST_UPDATE, "player_heat_map": MOST_TOUCHES}


def column_label(column: str) -> str:
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    words = " ".join(WORDS.get(word, word) for word in column.split("_"))
    return words[0].upper() + words[1:]


def match_expression(table: str) -> str:
    """The calculated column `match` of `table`: a subquery into the scoreboard, except in the scoreboard."""
    if table == "scoreboard":
        return MATCH_LABEL.format(p="")
    return (f"(SELECT {MATCH_LABEL.format(p='s.')} FROM marts.scoreboard AS s "
            f"WHERE s.match_id = {table}.match_id)")


def number_formats(shown: list[str], labels: list[str]) -> dict:
    """The table's column_config: a d3 format for each shown column (or metric) whose label has one."""
    return {name: {"d3NumberFormat": NUMBER_FORMATS[label]} for name, label in zip(shown, labels)
            if label in NUMBER_FORMATS}


def metric(label: str, expression: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": expression, "label": label, "hasCustomLabel": True,
            "optionName": "metric_" + re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")}


@dataclass
class Chart:
    name: str
    dataset: str
    viz_type: str
    form_data: dict
    queries: list[dict]
    post_processing: list[dict] = field(default_factory=list)

    def query_context(self, dataset_id: int) -> dict:
        """What the chart's plugin sends to /api/v1/chart/data, saved so the chart's own
        /api/v1/chart/{id}/data endpoint (and an alert or a report) can run it."""
        base = {"filters": [], "extras": {"having": "", "where": ""}, "applied_time_extras": {},
                "annotation_layers": [], "url_params": {}, "custom_params": {}, "custom_form_data": {},
                "time_range": "No filter"}
        queries = [base | query | {"post_processing": self.post_processing} for query in self.queries]
        return {"datasource": {"id": dataset_id, "type": "table"}, "force": False, "queries": queries,
                "form_data": self.form_data | {"datasource": f"{dataset_id}__table"},
                "result_format": "json", "result_type": "full"}


def _common(viz_type: str, **extra: Any) -> dict:
    return {"viz_type": viz_type, "adhoc_filters": [], "time_range": "No filter", **extra}


def table(name: str, dataset: str, columns: list[str], order_by: str | list[str], descending: bool = True,
          page_length: int = 25) -> Chart:
    """Rows as they are, newest or biggest first (or by several columns, each so), a page at a time."""
    order = [order_by] if isinstance(order_by, str) else order_by
    # No row limit of the chart's own: Superset marks a chart that reaches it with a warning
    # ("may show partial data"); the server's ROW_LIMIT still bounds the query.
    form = _common("table", query_mode="raw", all_columns=columns, order_by_cols=[json.dumps([c, not descending]) for c in order],
                   page_length=page_length, server_pagination=False, include_search=True,
                   table_timestamp_format="smart_date",
                   column_config=number_formats(columns, [column_label(c) for c in columns]))
    # No `metrics` at all: an empty list would make Superset group by the columns.
    query = {"columns": columns, "orderby": [[c, not descending] for c in order]}
    return Chart(name, dataset, "table", form, [query])


def leaders(name: str, dataset: str, groupby: list[str], metrics: list[dict], page_length: int = 15,
            rank_by: dict | None = None) -> Chart:
    """Totals per group, ranked by the first metric (or `rank_by`, not shown), the leaders on the first page."""
    labels = [m["label"] for m in metrics]
    rank_by = rank_by or metrics[0]
    form = _common("table", query_mode="aggregate", groupby=groupby, metrics=metrics,
                   timeseries_limit_metric=rank_by, order_desc=True, page_length=page_length,
                   server_pagination=False, column_config=number_formats(labels, labels))
    query = {"columns": groupby, "metrics": metrics, "orderby": [[rank_by, False]]}
    return Chart(name, dataset, "table", form, [query])


def series(name: str, dataset: str, x_axis: str, metrics: list[dict], groupby: list[str] | None = None,
           kind: str = "line", time_grain: str | None = None, limit: int = 10000, **axis_options: Any) -> Chart:
    """A line or bar chart over a generic x-axis (minute, window, time), one series per group;
    `axis_options` are the y-axis's settings (y_axis_format, y_axis_bounds)."""
    groupby = groupby or []
    viz_type = f"echarts_timeseries_{kind}"
    form = _common(viz_type, x_axis=x_axis, metrics=metrics, groupby=groupby, row_limit=limit,
                   x_axis_sort_asc=True, show_legend=True, rich_tooltip=True, truncateYAxis=False, **axis_options)
    axis = {"columnType": "BASE_AXIS", "sqlExpression": x_axis, "label": x_axis, "expressionType": "SQL"}
    if time_grain:
        form["time_grain_sqla"] = time_grain
        axis["timeGrain"] = time_grain
    query = {"columns": [axis, *groupby], "series_columns": groupby, "metrics": metrics,
             "orderby": [[metrics[0], False]], "row_limit": limit, "series_limit": 0}
    post = [
        {"operation": "pivot", "options": {"index": [x_axis], "columns": groupby, "drop_missing_columns": False,
                                          "aggregates": {m["label"]: {"operator": "mean"} for m in metrics}}},
        {"operation": "flatten"},
    ]
    return Chart(name, dataset, viz_type, form, [query], post)


def handlebars(name: str, dataset: str, groupby: list[str], metrics: list[dict], template: str,
               where: str = "", limit: int = 1000) -> Chart:
    """Rows drawn by a Handlebars template, one element per group and its metrics (the pitch charts
    of pitch_svg.py), the first metric's biggest first; `where` narrows the rows."""
    filters = [{"expressionType": "SQL", "sqlExpression": where, "clause": "WHERE"}] if where else []
    form = _common("handlebars", adhoc_filters=filters, query_mode="aggregate", groupby=groupby, metrics=metrics,
                   all_columns=[], percent_metrics=[], order_by_cols=[], timeseries_limit_metric=metrics[0],
                   order_desc=True, row_limit=limit, handlebarsTemplate=template, styleTemplate="")
    query = {"columns": groupby, "metrics": metrics, "orderby": [[metrics[0], False]], "row_limit": limit}
    if where:
        query["extras"] = {"having": "", "where": f"({where})"}
    return Chart(name, dataset, "handlebars", form, [query])


HOME_COLOUR, AWAY_COLOUR = "#FFB300", "#29B6F6"
# Metres on the drawn pitch per percent of its length and of its width (the contract's coordinates).
PER_PERCENT_LENGTH, PER_PERCENT_WIDTH = pitch_svg.LENGTH / 100, pitch_svg.WIDTH / 100
SHOT_TIP = ("MAX(player_name || ' (' || team || ') ' || minute || ''', xG ' || to_char(xg, 'FM0.00')"
            " || CASE WHEN is_goal THEN ', goal' ELSE '' END)")


def team_name(side: str) -> str:
    """A metric naming the home or away team, the same on every row (a window over all of them):
    Superset refuses a subquery into the scoreboard in a metric, so a team without a row is not named."""
    return f"MAX(MAX(CASE WHEN team_side = '{side}' THEN team END)) OVER ()"


def shot_map(name: str) -> Chart:
    """Every shot of the match on the pitch, a circle whose area grows with its xG, filled for a
    goal. The contract's coordinates are in the shooting team's attacking direction: the home
    team's are drawn as they are (attacking right), the away team's turned half a turn (attacking
    left, its left wing at the bottom)."""
    def drawn(column: str) -> str:
        return f"CASE WHEN team_side = 'away' THEN 100 - {column} ELSE {column} END"

    return handlebars(name, "shot_xg", ["event_id"], [
        metric("r", "0.6 + 3 * SQRT(MAX(COALESCE(xg, 0)))"),  # biggest first: small circles stay on top
        metric("x", f"ROUND((MAX({drawn('location_x')}) * {PER_PERCENT_LENGTH:g})::numeric, 2)"),
        metric("y", f"ROUND((MAX({drawn('location_y')}) * {PER_PERCENT_WIDTH:g})::numeric, 2)"),
        metric("colour", f"MAX(CASE WHEN team_side = 'home' THEN '{HOME_COLOUR}' ELSE '{AWAY_COLOUR}' END)"),
        metric("fill", "MAX(CASE WHEN is_goal THEN 0.95 ELSE 0.2 END)"),
        metric("tip", SHOT_TIP),
        metric("home_team", team_name("home")),
        metric("away_team", team_name("away")),
    ], pitch_svg.shot_map(HOME_COLOUR, AWAY_COLOUR))


def touches_on_pitch(name: str, who: str, where: str = "") -> Chart:
    """A heat map: the 10 x 8 zones of player_heat_map on the pitch, each shaded by its share of the
    touches (the busiest zone darkest), attacking left to right; `who` is the metric naming whose."""
    zone_length, zone_width = pitch_svg.LENGTH / 10, pitch_svg.WIDTH / 8
    return handlebars(name, "player_heat_map", ["x_zone", "y_zone"], [
        metric("shade", "ROUND(0.05 + 0.85 * SUM(touches) / MAX(SUM(touches)) OVER (), 3)"),
        metric("x", f"MIN((x_zone - 1) * {zone_length:g})"),
        metric("y", f"MIN((y_zone - 1) * {zone_width:g})"),
        metric("tip", "ROUND(100.0 * SUM(touches) / SUM(SUM(touches)) OVER (), 1) || '% of the touches ('"
                      " || SUM(touches) || ')'"),
        metric("who", who),
    ], pitch_svg.heat_map("#D84315"), where)


def big_number(name: str, dataset: str, value: dict, subheader: str = "") -> Chart:
    form = _common("big_number_total", metric=value, subheader=subheader, header_font_size=0.4,
                   subheader_font_size=0.15, y_axis_format="SMART_NUMBER")
    return Chart(name, dataset, "big_number_total", form, [{"metrics": [value]}])


# --- The dashboards -----------------------------------------------------------------------

@dataclass
class Dashboard:
    title: str
    slug: str
    rows: list[list[tuple[Chart, int]]]
    match_filter: bool = False
    label_colours: dict[str, str] = field(default_factory=dict)
    # The chart a Player filter applies to, and no other (the leaders stay everyone's).
    player_filter: str = ""

    @property
    def charts(self) -> list[Chart]:
        return [chart for row in self.rows for chart, _ in row]


SCORE = metric("Goals", "SUM(home_score + away_score)")
# The win-probability lines are named after the teams ("Spain win"), which the colour scheme colours
# apart from each other and from the teams' own lines; the draw is grey, between them.
WIN_PROBABILITY_COLOURS = {"Draw": "#9E9E9E"}
PLAYER_HEAT_MAP = "Player heat map"
DASHBOARDS = [
    Dashboard("Live scoreboard", "live-scoreboard", [
        [(big_number("Live matches", "scoreboard", metric("Live", f"COUNT(*) FILTER (WHERE status IN {LIVE_STATUSES})"),
                     "being played now"), 4),
         (big_number("Matches", "scoreboard", metric("Matches", "COUNT(*)"), "live and recent"), 4),
         (big_number("Goals scored", "scoreboard", SCORE, "in these matches"), 4)],
        # The ticker: what the alerts pushed (marts.notifications), newest first, in their words.
        [(table("Latest goals, red cards and VAR", "notifications", ["sent_at", "notification", "status"], "sent_at",
                page_length=8), 12)],
        [(table("Scoreboard", "scoreboard",
                ["competition", "home_team", "home_score", "away_score", "away_team", "status", "minute",
                 "home_penalties", "away_penalties", "updated_at"], "updated_at"), 12)],
    ]),
    Dashboard("Match centre", "match-centre", [
        [(table("Match timeline", "match_timeline",
                ["display_minute", "category", "team", "player_name", "other_player_name", "home_score", "away_score"],
                "moment_order", False), 5),
         # One line per outcome, named after the match's teams by the mart ("Spain win", "Draw").
         (series("Win probability", "win_probability_by_outcome", "minute",
                 [metric("Probability", "MAX(probability)")], ["outcome"],
                 y_axis_format=".0%", y_axis_bounds=[0, 1]), 7)],
        [(series("Momentum per 5 minutes", "team_momentum", "window_start_minute",
                 [metric("Momentum", "AVG(momentum_index)")], ["team"], kind="bar"), 6),
         (shot_map("Shot map"), 6)],
        # FotMob's xG race: each team's xG so far against its goals so far (a goal is a step of its line);
        # the trends: shots and xG over the last 3 windows (dbt var trend_windows), i.e. 15 minutes.
        [(series("xG race", "xg_race", "minute",
                 [metric("xG", "MAX(xg_so_far)"), metric("Goals", "MAX(goals_so_far)")], ["team"]), 6),
         (series("Trends: the last 15 minutes", "team_trends", "window_start_minute",
                 [metric("xG, last 15 min", "MAX(xg_last_n)"), metric("Shots, last 15 min", "MAX(shots_last_n)")],
                 ["team"]), 6)],
        # Possession by the share of passes per window; pressing by PPDA over the match so far (low = intense).
        [(series("Possession per 5 minutes", "team_momentum", "window_start_minute",
                 [metric("Possession %", "AVG(possession)")], ["team"], y_axis_bounds=[0, 100]), 6),
         (series("Pressing: PPDA so far", "team_pressing", "window_start_minute",
                 [metric("PPDA", "AVG(ppda_so_far)")], ["team"]), 6)],
        # Each team attacks from zone 1 (its own goal line) to zone 10, left to right.
        [(touches_on_pitch(f"{side.title()} team touches", "MAX(MAX(team)) OVER ()", f"team_side = '{side}'"), 6)
         for side in ("home", "away")],
        [(leaders("Players in this match", "player_performance", ["player_name", "team"],
                  [metric("Rating", "MAX(rating)"), metric("Minutes", "MAX(minutes_played)"),
                   metric("Goals", "SUM(goals)"), metric("Assists", "SUM(assists)"),
                   metric("Shots", "SUM(shots)"), metric("xG", "SUM(xg)"),
                   metric("Passes completed", "SUM(passes_completed)"), metric("Tackles", "SUM(tackles)")],
                  # Descending, PostgreSQL puts nulls first: the players with too few minutes for a
                  # rating go last instead.
                  page_length=40, rank_by=metric("Rating, unrated last", "COALESCE(MAX(rating), -1)")), 12)],
    ], match_filter=True, label_colours=WIN_PROBABILITY_COLOURS),
    Dashboard("Player performance", "player-performance", [
        [(leaders("Top scorers", "player_performance", ["player_name", "team"],
                  [metric("Goals", "SUM(goals)"), metric("Assists", "SUM(assists)")]), 4),
         (leaders("Expected goals", "player_performance", ["player_name", "team"],
                  [metric("xG", "SUM(xg)"), metric("Shots", "SUM(shots)")]), 4),
         (leaders("Shots", "player_performance", ["player_name", "team"],
                  [metric("Shots", "SUM(shots)"), metric("On target", "SUM(shots_on_target)")]), 4)],
        [(leaders("Passing", "player_performance", ["player_name", "team"],
                  [metric("Passes completed", "SUM(passes_completed)"),
                   # Of all the player's passes, not the average of his matches' percentages.
                   metric("Pass accuracy %", "100.0 * SUM(passes_completed) / NULLIF(SUM(passes), 0)")]), 4),
         (leaders("Tackles and interceptions", "player_performance", ["player_name", "team"],
                  [metric("Tackles", "SUM(tackles)"), metric("Interceptions", "SUM(interceptions)")]), 4),
         # The player the dashboard's filter picks, over all his matches (each attacking left to right).
         (touches_on_pitch(PLAYER_HEAT_MAP, "MAX(MAX(player_name)) OVER ()"), 4)],
        [(table("Per match", "player_performance",
                [MATCH, "player_name", "team", "rating", "minutes_played", "goals", "assists", "shots",
                 "shots_on_target", "xg", "passes_completed", "pass_accuracy", "tackles", "interceptions",
                 "yellow_cards", "red_cards"], "rating"), 12)],
    ], player_filter=PLAYER_HEAT_MAP),
    Dashboard("Fantasy live", "fantasy-live", [
        [(leaders("Top performers", "fantasy_points", ["player_name", "team"],
                  [metric("Points", "SUM(total_points)")], page_length=10), 4),
         (table("Points with breakdown", "fantasy_points",
                [MATCH, "player_name", "team", "position", "minutes_played", "total_points", "minutes_points",
                 "goal_points", "assist_points", "clean_sheet_points", "save_points", "penalty_points",
                 "goals_conceded_points", "card_points", "own_goal_points", "defensive_contribution_points", "bps",
                 "bonus_points"], "total_points"), 8)],
        # The matchday's live ranking (rank(): ties share a rank), and the squad's best swap per position.
        [(table("Live rank", "fantasy_rank",
                ["rank_overall", "rank_in_position", "player_name", "team", "position", "total_points", "minutes_played",
                 "match_date"], "rank_overall", descending=False, page_length=15), 6),
         (table("Transfer ideas", "transfer_recommendations",
                ["position", "player_out", "player_out_form", "player_in", "player_in_team", "player_in_form", "form_gain",
                 "player_in_price"], "form_gain"), 6)],
    ]),
    # The serving layer's season tables: history (schema history, the batch layer) and live matches.
    Dashboard("History", "history", [
        [(table("League tables", "league_table",
                ["competition", "season", "group_name", "position", "team", "played", "won", "drawn", "lost",
                 "goals_for", "goals_against", "goal_difference", "points", "fair_play_points", "live_matches"],
                ["competition", "season", "group_name", "position"], descending=False, page_length=40), 12)],
        [(table("Player seasons", "player_season",
                ["competition", "season", "player_name", "team", "appearances", "minutes", "goals", "assists", "xg",
                 "fantasy_points"], "fantasy_points"), 12)],
    ]),
    Dashboard("Pipeline health", "pipeline-health", [
        [(big_number("Batches", "pipeline_metrics", metric("Batches", "COUNT(*)"), "micro-batches landed"), 3),
         (big_number("Rows per second", "pipeline_metrics",
                     metric("Rows/s", "ROUND(AVG(processed_rows_per_second)::numeric, 1)"), "processed, average"), 3),
         (big_number("Kafka lag", "pipeline_metrics", metric("Lag", "COALESCE(MAX(kafka_max_offsets_behind), 0)"),
                     "offsets behind, worst"), 3),
         (big_number("Dead letters", "dead_letter", metric("Dead letters", "COUNT(*)"), "messages refused"), 3)],
        [(series("Throughput", "pipeline_metrics", "progress_at",
                 [metric("Processed rows/s", "AVG(processed_rows_per_second)"),
                  metric("Input rows/s", "AVG(input_rows_per_second)")], time_grain="PT1M"), 6),
         (series("Batch latency", "pipeline_metrics", "progress_at",
                 [metric("Batch duration (ms)", "AVG(batch_duration_ms)")], ["query_name"], time_grain="PT1M"), 6)],
        [(series("Kafka lag over time", "pipeline_metrics", "progress_at",
                 [metric("Offsets behind", "MAX(kafka_max_offsets_behind)")], ["query_name"], time_grain="PT1M"), 6),
         (series("Dead letters per topic", "dead_letter", "topic", [metric("Dead letters", "COUNT(*)")],
                 kind="bar"), 6)],
        # The transform loop's newest `dbt source freshness`: how long ago each landed table got a row.
        [(table("Source freshness", "source_freshness",
                ["source_table", "status", "age_seconds", "max_loaded_at", "warn_after", "error_after", "checked_at"],
                "source_table", descending=False, page_length=10), 12)],
    ]),
]


# --- Building them through the API ----------------------------------------------------------

def _database_id(api: SupersetApi) -> int:
    found = api.list("database", database_name=DATABASE)
    if not found:
        raise SystemExit(f"Superset has no `{DATABASE}` database connection: run `python -m stack.superset up` first.")
    return found[0]["id"]


# What PUT /api/v1/dataset/{id} takes of the columns and metrics GET answers with.
COLUMN_FIELDS = {"id", "column_name", "verbose_name", "description", "expression", "type", "is_dttm", "filterable",
                 "groupby", "is_active", "python_date_format", "advanced_data_type", "extra"}
METRIC_FIELDS = {"id", "metric_name", "verbose_name", "description", "expression", "metric_type", "d3format",
                 "warning_text", "extra"}


def ensure_dataset(api: SupersetApi, database_id: int, table: str) -> int:
    schema = DATASETS[table]
    existing = [d for d in api.list("dataset", table_name=table) if d["schema"] == schema]
    if existing:
        dataset_id = existing[0]["id"]
        # Pick up columns added to the mart since the dataset was made.
        api.put(f"/api/v1/dataset/{dataset_id}/refresh", {})
    else:
        dataset_id = api.post("/api/v1/dataset/",
                              {"database": database_id, "schema": schema, "table_name": table})["id"]
    describe_dataset(api, dataset_id, table)
    return dataset_id


def describe_dataset(api: SupersetApi, dataset_id: int, table: str) -> None:
    """Every column's label, the calculated column `match` where there is a match_id, and the
    table's metric in DATASET_METRICS. The lists sent are complete: Superset deletes what they leave out."""
    current = api.get(f"/api/v1/dataset/{dataset_id}")["result"]
    columns = {c["column_name"]: {k: v for k, v in c.items() if k in COLUMN_FIELDS} for c in current["columns"]}
    if "match_id" in columns:
        columns[MATCH] = columns.get(MATCH, {}) | {"column_name": MATCH, "expression": match_expression(table),
                                                  "type": "TEXT", "filterable": True, "groupby": True}
    for name, column in columns.items():
        column["verbose_name"] = column_label(name)
    metrics = {m["metric_name"]: {k: v for k, v in m.items() if k in METRIC_FIELDS} for m in current["metrics"]}
    if table in DATASET_METRICS:
        saved = DATASET_METRICS[table]
        metrics[saved["metric_name"]] = metrics.get(saved["metric_name"], {}) | saved
    api.put(f"/api/v1/dataset/{dataset_id}", {"columns": list(columns.values()), "metrics": list(metrics.values())})


def ensure_chart(api: SupersetApi, chart: Chart, dataset_id: int, dashboard_id: int) -> int:
    form = chart.form_data | {"datasource": f"{dataset_id}__table"}
    body = {"slice_name": chart.name, "viz_type": chart.viz_type, "datasource_id": dataset_id,
            "datasource_type": "table", "params": json.dumps(form),
            "query_context": json.dumps(chart.query_context(dataset_id)), "dashboards": [dashboard_id]}
    existing = [c for c in api.list("chart", slice_name=chart.name) if dashboard_id in
                [d["id"] for d in api.get(f"/api/v1/chart/{c['id']}")["result"].get("dashboards", [])]]
    if existing:
        api.put(f"/api/v1/chart/{existing[0]['id']}", body)
        return existing[0]["id"]
    return api.post("/api/v1/chart/", body)["id"]


def layout(dashboard: Dashboard, chart_ids: dict[str, int], chart_uuids: dict[str, str]) -> dict:
    """The grid, rows of charts; each chart named by uuid too, which is how an import finds it."""
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": dashboard.title}},
    }
    for r, row in enumerate(dashboard.rows):
        row_id = f"ROW-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for c, (chart, width) in enumerate(row):
            chart_id = f"CHART-{r}-{c}"
            position[row_id]["children"].append(chart_id)
            height = 30 if chart.viz_type == "big_number_total" else 60
            if chart.viz_type == "handlebars":
                # A pitch is two thirds as high as wide: tall enough for the whole of it at its width.
                height = max(height, 12 * width)
            position[chart_id] = {"type": "CHART", "id": chart_id, "children": [],
                                  "parents": ["ROOT_ID", "GRID_ID", row_id],
                                  "meta": {"width": width, "height": height, "chartId": chart_ids[chart.name],
                                           "uuid": chart_uuids[chart.name], "sliceName": chart.name}}
    if dashboard.slug != "pipeline-health":
        # The StatsBomb open-data licence asks for this credit wherever its data is shown.
        row_id = f"ROW-{len(dashboard.rows)}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": ["MARKDOWN-credit"],
                            "parents": ["ROOT_ID", "GRID_ID"], "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        position["MARKDOWN-credit"] = {"type": "MARKDOWN", "id": "MARKDOWN-credit", "children": [],
                                       "parents": ["ROOT_ID", "GRID_ID", row_id],
                                       "meta": {"width": 12, "height": 8, "code": CREDIT}}
    return position


def select_filter(name: str, dataset_id: int | None, column: str, sort_metric: dict, description: str,
                  excluded: list[int]) -> dict:
    """A native filter choosing one value of `column`, the first by `sort_metric` (descending) when the
    dashboard opens, on every chart but those `excluded`."""
    return {
        "id": f"NATIVE_FILTER-{name.lower()}", "name": name, "filterType": "filter_select", "type": "NATIVE_FILTER",
        "targets": [{"datasetId": dataset_id, "column": {"name": column}}],
        "controlValues": {"enableEmptyFilter": True, "defaultToFirstItem": True, "multiSelect": False,
                          "searchAllOptions": False, "inverseSelection": False, "sortAscending": False},
        "sortMetric": sort_metric["metric_name"],
        # What the UI saves with "Select first filter value by default": without it, Superset 6.1
        # shows the first value but leaves it pending until "Apply filters" is clicked.
        "requiredFirst": True,
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        "cascadeParentIds": [], "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
        "description": description,
    }


def metadata(dashboard: Dashboard, chart_ids: dict[str, int], dataset_ids: dict[str, int]) -> dict:
    native_filters = []
    if dashboard.match_filter:
        # One match at a time, the most recent one when the dashboard opens.
        native_filters.append(select_filter("Match", dataset_ids.get("scoreboard"), MATCH, LAST_UPDATE,
                                            "The match to show; the most recent one first.", []))
    if dashboard.player_filter:
        (chart,) = [c for c in dashboard.charts if c.name == dashboard.player_filter]
        others = sorted(chart_id for name, chart_id in chart_ids.items() if name != chart.name)
        native_filters.append(select_filter("Player", dataset_ids.get(chart.dataset), "player_name", MOST_TOUCHES,
                                            f"Whose {chart.name.lower()}; the player with the most touches first.",
                                            others))
    return {"refresh_frequency": REFRESH_SECONDS, "timed_refresh_immune_slices": [], "expanded_slices": {},
            "color_scheme": "supersetColors", "label_colors": dashboard.label_colours, "shared_label_colors": [],
            "cross_filters_enabled": False, "native_filter_configuration": native_filters,
            "chart_configuration": {}, "default_filters": "{}"}


def build(api: SupersetApi) -> list[str]:
    database_id = _database_id(api)
    dataset_ids: dict[str, int] = {}
    missing: set[str] = set()
    built = []
    for dashboard in DASHBOARDS:
        needed = {chart.dataset for chart in dashboard.charts} | ({"scoreboard"} if dashboard.match_filter else set())
        for table in sorted(needed - dataset_ids.keys() - missing):
            try:
                dataset_ids[table] = ensure_dataset(api, database_id, table)
            except SupersetApiError as exc:
                # A mart dbt has not built yet: its charts wait for the next run.
                missing.add(table)
                built.append(f"  skipped {DATASETS[table]}.{table}: {str(exc)[:160]}")
        charts = [chart for chart in dashboard.charts if chart.dataset in dataset_ids]
        if not charts or (dashboard.match_filter and "scoreboard" not in dataset_ids):
            built.append(f"{dashboard.title}: skipped, none of its tables exist yet")
            continue
        rows = [[(c, w) for c, w in row if c in charts] for row in dashboard.rows]
        shown = replace(dashboard, rows=[row for row in rows if row])
        existing = api.list("dashboard", slug=dashboard.slug)
        if existing:
            dashboard_id = existing[0]["id"]
        else:
            dashboard_id = api.post("/api/v1/dashboard/", {"dashboard_title": dashboard.title, "slug": dashboard.slug,
                                                           "published": True})["id"]
        chart_ids = {chart.name: ensure_chart(api, chart, dataset_ids[chart.dataset], dashboard_id)
                     for chart in charts}
        chart_uuids = {name: api.get(f"/api/v1/chart/{chart_id}")["result"]["uuid"] for name, chart_id in chart_ids.items()}
        api.put(f"/api/v1/dashboard/{dashboard_id}", {
            "dashboard_title": dashboard.title, "slug": dashboard.slug, "published": True,
            "position_json": json.dumps(layout(shown, chart_ids, chart_uuids)),
            "json_metadata": json.dumps(metadata(shown, chart_ids, dataset_ids)),
        })
        built.append(f"{dashboard.title}: {len(chart_ids)} of {len(dashboard.charts)} charts")
    return built


@command("build_assets", SupersetApiError)
def main() -> int:
    envfile.load_defaults()  # as the Makefile does, for runs without make
    from stack.superset import SupersetSettings

    settings = SupersetSettings.from_env()
    api = SupersetApi(settings.url, settings.admin_user, settings.admin_password)
    for line in build(api):
        print(line)


if __name__ == "__main__":
    sys.exit(main())

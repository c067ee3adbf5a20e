# matchday: `make demo` runs the pipeline on a real match; `make test` passes the suite.
# Both set up everything they need (system packages, virtualenv, jars, the local stack).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Settings: .env when present, else .env.example. A variable already set in the
# environment wins over both.
ENV_FILE := $(if $(wildcard .env),.env,.env.example)
ENV_MK := .stack/env.mk
$(shell mkdir -p .stack && sed -n -e 's/^\([A-Za-z_][A-Za-z0-9_]*\)="\(.*\)"$$/\1 ?= \2/p' -e 't' -e 's/^\([A-Za-z_][A-Za-z0-9_]*\)=/\1 ?= /p' $(ENV_FILE) > $(ENV_MK))
include $(ENV_MK)
export $(shell sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' $(ENV_FILE))

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Superset pins SQLAlchemy 1.4 and numpy<2.3, which clash with dbt and pyspark: its own venv.
SUPERSET_VENV := .venv-superset
export DBT_PROFILES_DIR := $(CURDIR)/dbt_project
PYTEST_ARGS ?=
# NIFI=1 (or NIFI_ENABLED=1 in .env) makes `make up` start Apache NiFi too: optional, it is heavy
# (~700 MB resident). `make test` always starts it, for the NiFi flow's tests.
NIFI ?= $(NIFI_ENABLED)
NIFI_FLAG = $(if $(filter 1 true yes,$(NIFI)),--nifi)

.PHONY: help setup system-deps system-deps-test up up-postgres down status nifi demo test test-unit streaming streaming-submit spark-s3a-jars backfill purge batch rebuild sql alerts transform transform-loop evaluate lint bench bench-short

help:
	@echo "make demo            set up everything and run the pipeline on a real bundled match"
	@echo "make test            set up everything and run the whole test suite"
	@echo "make test-unit       the fast tests only: no service, no Spark, no shared data (under a minute)"
	@echo "make up | down | status   the local stack (Kafka, PostgreSQL, Superset; NIFI=1 adds Apache NiFi)"
	@echo "make up-postgres     PostgreSQL only: all that the dbt targets (transform, evaluate) need"
	@echo "make nifi            start NiFi and deploy the football-data flow (nifi/) into it"
	@echo "make streaming | backfill | purge     the Spark landing job"
	@echo "make batch | rebuild  the batch layer (cold store -> Silver -> history -> marts -> Gold); rebuild: all marts anew"
	@echo "make sql Q=\"...\"     Spark SQL over Silver and Gold (views silver_<table>, gold_<mart>)"
	@echo "make streaming-submit   the landing job through pyspark's spark-submit (SUBMIT_ARGS=--available-now)"
	@echo "make spark-s3a-jars  hadoop-aws and the AWS SDK bundle (~690 MB) for checkpoints on s3a://"
	@echo "make alerts          goals, red cards, VAR and results to ALERTS_WEBHOOK_URL and the log"
	@echo "make transform | transform-loop | evaluate | lint    dbt"
	@echo "make bench | bench-short      benchmarks on the local stack -> bench.json"

system-deps:
	@POSTGRES_MODE=$(POSTGRES_MODE) stack/install-system-deps.sh

# The browser tests drive Debian's chromium.
system-deps-test:
	@POSTGRES_MODE=$(POSTGRES_MODE) stack/install-system-deps.sh --browser

# requirements.txt installs this checkout (editable) with the extras of pyproject.toml, which pins them.
$(VENV)/.installed: requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(SUPERSET_VENV)/.installed: superset/requirements.txt
	@test -x $(SUPERSET_VENV)/bin/python || $(PYTHON) -m venv $(SUPERSET_VENV)
	@echo "Installing Superset into $(SUPERSET_VENV) (a few minutes, once) ..."
	@$(SUPERSET_VENV)/bin/pip install --quiet --upgrade pip
	@$(SUPERSET_VENV)/bin/pip install --quiet -r superset/requirements.txt
	@touch $@

setup: system-deps $(VENV)/.installed $(SUPERSET_VENV)/.installed

up: setup
	@$(PY) -m stack up $(NIFI_FLAG)
	@$(PY) -m streaming migrate
	@$(PY) -m streaming class-archive

# PostgreSQL only (with the streaming tables dbt reads): what the dbt targets need, without
# Kafka, Superset or their downloads.
up-postgres: system-deps $(VENV)/.installed
	@$(PY) -m stack up --postgres-only
	@$(PY) -m streaming migrate

down:
	@if [ -x $(PY) ]; then $(PY) -m stack down; else echo "nothing to stop: no virtualenv"; fi

status: $(VENV)/.installed
	@$(PY) -m stack status

# NiFi with the flow of nifi/ deployed and running (FOOTBALL_DATA_API_KEY and NIFI_* in .env)
nifi: NIFI = 1
nifi: up
	@$(PY) -m nifi deploy

# The demo match: Portugal 3-3 Spain, FIFA World Cup 2018 (StatsBomb open data, bundled).
DEMO_MATCH ?= 7576
DEMO_SPEED ?= 60

demo: up
	@$(PY) -m stack.demo --match-id $(DEMO_MATCH) --speed $(DEMO_SPEED)
	@$(PY) -m stack status || true

# --- the pipeline's steps, one at a time ---------------------------------------------------
# land the topics continuously (Ctrl-C stops)
streaming: up
	@$(PY) -m streaming run

# the same job through spark-submit, e.g. SUBMIT_ARGS=--available-now (README, "On a Spark cluster")
SUBMIT_ARGS ?=
streaming-submit: up
	@eval "$$($(PY) -m streaming submit-command $(SUBMIT_ARGS))"

# Hadoop's S3A file system for STREAMING_CHECKPOINT_DIR=s3a://... into .stack/jars/spark-s3a
# (apart from `make up`'s jars: the AWS SDK bundle alone is 686 MB)
spark-s3a-jars:
	@mvn -q -B -f stack/maven/spark-s3a/pom.xml dependency:copy-dependencies

# land everything in Kafka now, then exit
backfill: up
	@$(PY) -m streaming run --available-now

# delete hot rows older than STREAMING_HOT_RETENTION_DAYS, or DAYS=n (Parquet is kept; DAYS=0: every hot row)
purge: setup
	@$(PY) -m streaming purge $(if $(DAYS),--days $(DAYS))

# the batch layer: cold store (Bronze) -> Silver -> schema history -> dbt build -> Gold;
# FROM=/TO= (YYYY-MM-DD) bound the match dates, unchanged dates are skipped
batch: up
	@$(PY) -m streaming batch $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

# a changed model (new xG coefficients, fantasy rules) applied to all history: the batch layer,
# then every mart rebuilt from hot and history (dbt build --full-refresh)
rebuild: up
	@$(PY) -m streaming batch --full-refresh

# Spark SQL over Silver and Gold without PostgreSQL: make sql Q="select * from gold_league_table"
sql: $(VENV)/.installed
	@$(PY) -m streaming sql "$(Q)"

# push goals, red cards, VAR cancellations and results to ALERTS_WEBHOOK_URL and the log (Ctrl-C stops)
alerts: up
	@$(PY) -m streaming alerts

# dbt build once: seeds, staging, marts and their tests
transform: up-postgres
	@$(VENV)/bin/dbt build

# rebuild the live marts every DBT_LOOP_INTERVAL seconds
transform-loop: up-postgres
	@$(PY) -m dbt_project.transform_loop

# model quality figures (win probability, xG) -> evaluation.json
evaluate: up-postgres
	@$(PY) -m dbt_project.evaluate

# benchmarks: every figure next to a baseline of the same run -> bench.json (see README, "Benchmarks")
# BENCH=short (or make bench-short) is the CI version: a few minutes.
BENCH ?= full
BENCH_ARGS ?=
bench: up
	@$(PY) -m bench $(if $(filter short,$(BENCH)),--short) $(BENCH_ARGS)

bench-short: up
	@$(PY) -m bench --short $(BENCH_ARGS)

lint: $(VENV)/.installed
	@$(VENV)/bin/sqlfluff lint dbt_project/models

test: NIFI = 1
test: system-deps-test up lint spark-s3a-jars
	@$(PY) -m pytest --durations=20 $(PYTEST_ARGS)

# Markers (pytest.ini): what a test needs. These need nothing but the virtualenv.
UNIT_MARKERS := not integration and not e2e and not nifi and not spark and not shared_data and not browser and not faults and not alerts and not slow

test-unit: $(VENV)/.installed
	@$(PY) -m pytest -m "$(UNIT_MARKERS)" $(PYTEST_ARGS)

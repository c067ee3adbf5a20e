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
PYTEST_ARGS ?=

.PHONY: help setup system-deps up down status demo test

help:
	@echo "make demo     set up everything and run the pipeline on a real bundled match"
	@echo "make test     set up everything and run the whole test suite"
	@echo "make up       start the local stack (Kafka, PostgreSQL); make down stops it; make status"

system-deps:
	@POSTGRES_MODE=$(POSTGRES_MODE) stack/install-system-deps.sh

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

setup: system-deps $(VENV)/.installed

up: setup
	@$(PY) -m stack up

down:
	@if [ -x $(PY) ]; then $(PY) -m stack down; else echo "nothing to stop: no virtualenv"; fi

status: $(VENV)/.installed
	@$(PY) -m stack status

# The demo match: Portugal 3-3 Spain, FIFA World Cup 2018 (StatsBomb open data, bundled).
DEMO_MATCH ?= 7576
DEMO_SPEED ?= 60

demo: up
	@echo
	@echo "Replaying StatsBomb match $(DEMO_MATCH) into Kafka at speed $(DEMO_SPEED) (Ctrl-C stops it cleanly) ..."
	@$(PY) -m ingest replay --match-ids $(DEMO_MATCH) --speed $(DEMO_SPEED)
	@$(PY) -m stack status

test: up
	@$(PY) -m pytest $(PYTEST_ARGS)

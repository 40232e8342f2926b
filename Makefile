# 社区党建 — developer commands.
#   make run        demo on SQLite: migrate, demo data, task worker + http://127.0.0.1:8000
#   make test       ruff, migration check, the whole pytest suite (browser tests included)
#   make lint       ruff only
#   make messages   compile the translation catalogs (needs gettext's msgfmt)
# Everything bootstraps .venv from uv.lock first (only python3 with pip is assumed).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv needs the system CA bundle (STACK_NOTES.md); never try to download a Python.
export SSL_CERT_FILE ?= /etc/ssl/certs/ca-certificates.crt
export UV_PYTHON_DOWNLOADS ?= never
export UV_LINK_MODE ?= copy
export PIP_ROOT_USER_ACTION ?= ignore
export PIP_DISABLE_PIP_VERSION_CHECK ?= 1

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Written after a successful `uv sync`; rebuilt when uv.lock changes. Bytecode is
# compiled once there: machines here export PYTHONDONTWRITEBYTECODE, and every process would
# otherwise compile Django and friends again (~6 s of CPU each).
VENV_STAMP := $(VENV)/.synced-from-uv-lock

HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: `auto` is one per core. `make test PYTEST_WORKERS=0` runs serially.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
PYTEST_FLAGS = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS)) $(PYTEST_ARGS)

DEMO_PASSWORD := dangjian-demo-2026

.PHONY: help venv run test lint messages clean

help:
	@echo "make run       start the demo at http://$(HOST):$(PORT) (SQLite, demo data, task worker)"
	@echo "make test      ruff + migration check + pytest (parallel, browser tests included)"
	@echo "make lint      ruff check"
	@echo "make messages  compile translation catalogs (.po -> .mo)"

venv: $(VENV_STAMP)

$(VENV_STAMP): uv.lock
	@set -euo pipefail; \
	if command -v uv >/dev/null 2>&1; then \
	  UV=uv; \
	else \
	  if ! python3 -m uv --version >/dev/null 2>&1; then \
	    echo ">> uv not found: installing it with pip"; \
	    python3 -m pip install --quiet uv 2>/dev/null \
	      || python3 -m pip install --quiet --user uv 2>/dev/null \
	      || python3 -m pip install --quiet --break-system-packages uv; \
	  fi; \
	  UV="python3 -m uv"; \
	fi; \
	echo ">> $$UV sync --frozen --compile-bytecode"; \
	$$UV sync --frozen --compile-bytecode; \
	touch $@

# Compile catalogs only when there are any (a fresh clone may have no locale dir yet).
messages: $(VENV_STAMP)
	@if find locale dangjian -name '*.po' -print -quit 2>/dev/null | grep -q .; then \
	  if command -v msgfmt >/dev/null 2>&1; then \
	    $(MANAGE) compilemessages -v 0 -i .venv -i .git -i var -i node_modules && echo ">> translations compiled"; \
	  else \
	    echo ">> msgfmt not found (apt-get install gettext): using the committed .mo files" >&2; \
	  fi; \
	fi

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .

# All three steps always run (a lint error should not hide test results); the first failure's
# exit code is the result.
test: $(VENV_STAMP) messages
	@rc=0; \
	echo ">> ruff check ."; $(VENV)/bin/ruff check . || rc=$$?; \
	echo ">> manage.py makemigrations --check --dry-run"; \
	$(MANAGE) makemigrations --check --dry-run || { s=$$?; [ $$rc -ne 0 ] || rc=$$s; }; \
	echo ">> pytest $(PYTEST_FLAGS)"; \
	$(VENV)/bin/pytest $(PYTEST_FLAGS) || { s=$$?; [ $$rc -ne 0 ] || rc=$$s; }; \
	exit $$rc

run: $(VENV_STAMP) messages
	$(MANAGE) migrate --noinput
	$(MANAGE) demo
	@# DEBUG is off by default: the manifest storage needs collected static files.
	$(MANAGE) collectstatic --noinput -v 0
	@echo
	@echo "社区党建 demo: http://$(HOST):$(PORT)/   (password for every account: $(DEMO_PASSWORD))"
	@echo "  admin      系统超级管理员"
	@echo "  city       市级管理员 · 南京市"
	@echo "  district   区域管理员 · 玄武区"
	@echo "  street     区域管理员 · 玄武区梅园新村街道"
	@echo "  community  区域管理员 · 梅园新村街道 大行宫社区"
	@echo "  org        党组织管理员 · 梅园新村街道党工委"
	@echo "  leader     领导只读 · 玄武区"
	@echo
	@set -uo pipefail; \
	$(MANAGE) db_worker --queue-name '*' --no-reload & worker=$$!; \
	echo ">> task worker started (pid $$worker)"; \
	stop_worker() { kill -TERM $$worker 2>/dev/null && wait $$worker 2>/dev/null; echo ">> task worker stopped"; }; \
	trap stop_worker EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(MANAGE) runserver $(HOST):$(PORT) --noreload

clean:
	rm -rf tests/screenshots test-results var/static

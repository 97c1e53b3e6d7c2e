# The two commands: `make run` serves the archive with the seeds; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/replies_archive
# SECRET_KEY from the environment, else the one `make` keeps in var/secret_key.
WITH_SECRET = SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}"
# The search backend (docs/scale.md): SEARCH_BACKEND=whoosh (the default) or opensearch. With opensearch and no
# OPENSEARCH_URL, `make run` starts a node in var/opensearch, or finds the one already running there.
OPENSEARCH_RUN_URL := var/opensearch-url
WITH_SEARCH = OPENSEARCH_URL="$${OPENSEARCH_URL:-$$(cat $(OPENSEARCH_RUN_URL) 2>/dev/null)}"

.PHONY: run test setup

run: setup
	@if [ "$${SEARCH_BACKEND:-whoosh}" = opensearch ] && [ -z "$${OPENSEARCH_URL:-}" ]; then \
	  url=$$($(PYTHON) scripts/opensearch_cluster.py start --data var/opensearch) && \
	  echo "$$url" > $(OPENSEARCH_RUN_URL) && echo "OpenSearch answers at $$url (stop it: $(PYTHON) scripts/opensearch_cluster.py stop)."; \
	fi
	$(WITH_SECRET) $(PY) manage.py migrate --noinput
	$(WITH_SECRET) $(PY) manage.py createcachetable
	$(WITH_SECRET) $(PY) manage.py collectstatic --noinput -v 0
	$(WITH_SECRET) $(WITH_SEARCH) $(PY) manage.py ingest_replies fixtures/seeds
	$(WITH_SECRET) $(WITH_SEARCH) $(PY) manage.py ensure_search_index
	@echo ""
	@echo "The archive is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)."
	@echo "For an admin login (upload, review, publish) run in another terminal:"
	@echo "    SECRET_KEY=\$$(cat var/secret_key) $(PY) manage.py createsuperuser"
	@echo "then sign in at http://$(HOST):$(PORT)/admin/"
	$(WITH_SECRET) $(WITH_SEARCH) exec $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

test: setup
	$(WITH_SECRET) $(VENV)/bin/pytest

# The benchmark (docs/performance.md), not part of `make test`: its own scratch database and
# var/bench/; under an hour on 2 cores. `make bench BENCH_ARGS=--quick` is a 6-minute smoke run.
.PHONY: bench
bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

# A development OpenSearch cluster (docs/scale.md), started in the background from the launcher in
# search/opensearch/node/ (Maven builds it on first use). `make opensearch OPENSEARCH_NODES=2` for two.
# Run again, it finds the running cluster; stop it with `scripts/opensearch_cluster.py stop`.
OPENSEARCH_NODES ?= 1
.PHONY: opensearch
opensearch:
	@url=$$($(PYTHON) scripts/opensearch_cluster.py start --nodes $(OPENSEARCH_NODES) --data var/opensearch) && \
	echo "OpenSearch answers at $$url (logs: var/opensearch/node-*/node.log)." && \
	echo "Point the archive at it:  SEARCH_BACKEND=opensearch OPENSEARCH_URL=$$url make run" && \
	echo "Stop it:                  $(PYTHON) scripts/opensearch_cluster.py stop --data var/opensearch"

setup: $(VENV)/.installed var/secret_key node_modules/.installed
	@bash scripts/install_system_packages.sh
	@bash scripts/ensure_postgres.sh

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

# axe-core for the browser tests' accessibility checks (package.json); reinstalled when the lock file changes.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing, so the browser tests cannot run axe-core: apt-get install npm"; fi

var/secret_key: | $(VENV)/.installed
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

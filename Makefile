# Antragsarchiv: `make run` serves the demo, `make test` runs every check.
PY      ?= $(shell command -v python3.11 || command -v python3)
VENV    := .venv
BIN     := $(VENV)/bin
DEPS    := $(VENV)/.deps-installed
HOST    ?= 127.0.0.1
PORT    ?= 5000
N       ?= 10000
ARCHIVE_DIR ?= data
APT_PACKAGES := chromium tesseract-ocr tesseract-ocr-deu poppler-utils antiword catdoc
export ARCHIVE_DIR

.PHONY: run test lint unit browser bench system-deps deps demo clean eval eval-letterheads eval-search eval-reuse screenshots

run: deps demo ## set up, load the demo corpus, serve on http://127.0.0.1:5000 with the background worker beside it
	$(BIN)/flask --app search_app worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/waitress-serve --host $(HOST) --port $(PORT) --threads 8 --call search_app:create_app

test: deps system-deps ## ruff, the tests and the browser tests, warnings as errors
	$(BIN)/ruff check .
	$(BIN)/pytest -W error -q

bench: deps ## build a synthetic store of N documents and measure (make bench N=100000)
	$(BIN)/python -m bench --docs $(N)

demo: deps
	$(BIN)/flask --app search_app ingest data/sample/*.pdf data/sample/*.docx

deps: $(DEPS)

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(DEPS): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

system-deps: ## Debian packages the tests use (Chromium for Playwright, OCR, DOC converters)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(VENV) $(ARCHIVE_DIR)/archive.db* $(ARCHIVE_DIR)/queue.db* $(ARCHIVE_DIR)/index $(ARCHIVE_DIR)/originals $(ARCHIVE_DIR)/uploads

EVAL_ARGS ?=
eval: deps ## metadata on the labelled dev corpus: in-sample, macro over sources, leave-one-source-out (EVAL_ARGS="--misses title")
	$(BIN)/python tools/eval_metadata.py $(EVAL_ARGS)

eval-letterheads: deps ## extraction on generated letterheads: accuracy per field, format and form (EVAL_ARGS="--corpus ../shared/corpus/dev --misses title")
	$(BIN)/python tools/eval_letterheads.py $(EVAL_ARGS)

eval-search: deps ## ranking on judged dev queries: public, our tune and test halves, per kind (EVAL_ARGS="--baseline --per-query")
	$(BIN)/python tools/eval_search.py $(EVAL_ARGS)

eval-reuse: deps ## text reuse on hand-labelled dev pairs: precision and recall, threshold sweep (EVAL_ARGS="--fresh")
	$(BIN)/python tools/eval_reuse.py $(EVAL_ARGS)

screenshots: deps system-deps ## the staff pages as the browser test sees them, into docs/screenshots/ (README "Für die Redaktion")
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -W error -q tests/test_staff_workflow.py

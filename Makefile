# Every target bootstraps its own virtual environment: a fresh machine needs only Python 3.11.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean venv browser

# no pip cache: a machine short of disk need not hold every wheel twice (CI once ran out)
$(STAMP): export PIP_NO_CACHE_DIR = 1
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: the CPU wheel (any other spec pulls a multi-GB CUDA build)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test,ml,app]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)  ## run the main job on the bundled light curves
	$(BIN)/starskope demo --out demo-output

browser:  ## best effort: Debian chromium + playwright-core for the browser tests (skipped without them)
	-@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && \
	  [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
	-@if command -v npm >/dev/null 2>&1 && [ ! -d tests/app/browser/node_modules ]; then \
	  npm ci --prefix tests/app/browser --silent --no-audit --no-fund; fi

test: $(STAMP) browser  ## lint and run the test suite (slow and GPU tests excluded)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --doctest-modules src/starskope benchmarks  # the docstrings' examples

bench: $(STAMP)  ## every benchmark with its result file's settings (hours; BENCH_ARGS="--only NAME" or "--campaigns DIR")
	$(BIN)/python -m benchmarks.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) demo-output .pytest_cache

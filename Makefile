# Every target bootstraps its own virtual environment: a fresh machine needs only Python 3.11.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean venv

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

test: $(STAMP)  ## lint and run the test suite (slow and GPU tests excluded)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

bench: $(STAMP)  ## all benchmarks (several minutes)
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) demo-output .pytest_cache

# Two commands on a fresh machine:
#   make demo   set up, then compare the bundled example's results and show what the editor would show
#   make test   set up, then run every check (ruff, mypy, pytest with real Go runs and a real LSP client)

VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
EXAMPLE := examples
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: demo test setup system-deps lint typecheck pytest bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# Neovim drives one end-to-end LSP test; installed from Debian when missing and we may.
system-deps:
	@command -v nvim >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq neovim >/dev/null) || echo "neovim not installed: its test will be skipped"; \
	  else echo "neovim not found and cannot install it: its test will be skipped"; fi; }

demo: setup
	$(BIN)/benchlens compare $(EXAMPLE)/benchmark_results/baseline.txt $(EXAMPLE)/benchmark_results/current.txt --format text
	$(BIN)/benchlens compare $(EXAMPLE)/benchmark_results/baseline.txt $(EXAMPLE)/benchmark_results/current.txt --format markdown
	$(BIN)/benchlens check $(EXAMPLE)
	$(PY) $(EXAMPLE)/editor_session.py

lint: setup
	$(BIN)/ruff check server tests benchmarks examples
	$(BIN)/ruff format --check server tests benchmarks examples

typecheck: setup
	$(BIN)/mypy

pytest: setup system-deps
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: setup
	$(PY) benchmarks/index_bench.py
	$(PY) benchmarks/lsp_latency.py

clean:
	rm -rf $(VENV) build *.egg-info

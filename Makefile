# Two commands on a fresh machine:
#   make demo   set up, then compare the bundled example's results and show what the editor would show
#   make test   set up, then run every check (ruff, mypy, pytest with real Go runs and a real LSP client)

VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
EXAMPLE := examples
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: demo test setup system-deps lint typecheck pytest pytest-compiled wheel bench bench-signal \
	fuzz clean \
	vscode-build vscode-unit vscode-package vscode-e2e vscode-test vscode-system-deps

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# The wheel a user installs: the core (setup.py's COMPILED) compiled by mypyc, the rest
# pure Python. Unpacked into build/compiled, which `make bench` times and
# `pytest-compiled` tests; the editable install of `setup` stays pure Python.
WHEELS   := build/wheels
COMPILED := build/compiled
SOURCES  := $(shell find server/benchlens -name '*.py' -o -name '*.j2' -o -name '*.html')

$(COMPILED)/.built: $(VENV)/.installed setup.py $(SOURCES)
	rm -rf $(WHEELS) $(COMPILED)
	@if ! command -v "$${CC:-cc}" >/dev/null 2>&1; then \
	  echo "no C compiler (cc): the compiled wheel is not built; bench and tests use the sources"; \
	  exit 0; fi; \
	set -e; \
	BENCHLENS_MYPYC=1 $(PY) -m pip wheel --quiet --no-deps --no-build-isolation -w $(WHEELS) . 2>&1 \
	  | { grep -v 'Treating generator comprehension as list' || true; }; \
	test -n "$$(ls $(WHEELS)/benchlens-*.whl 2>/dev/null)"; \
	$(PY) -m pip install --quiet --no-deps --target $(COMPILED) $(WHEELS)/benchlens-*.whl; \
	touch $@

wheel: $(COMPILED)/.built

# Neovim drives one end-to-end LSP test; installed from Debian when missing and we may.
system-deps:
	@command -v nvim >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq neovim >/dev/null) || echo "neovim not installed: its test will be skipped"; \
	  else echo "neovim not found and cannot install it: its test will be skipped"; fi; }
	@# jq and curl: the CI workflow's alert steps, run by the workflow test
	@command -v jq >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq jq curl >/dev/null) || echo "jq/curl not installed: the workflow test will be skipped"; \
	  else echo "jq or curl not found and cannot install them: the workflow test will be skipped"; fi; }

demo: setup
	$(BIN)/benchlens compare $(EXAMPLE)/benchmark_results/baseline.txt $(EXAMPLE)/benchmark_results/current.txt --format text
	$(BIN)/benchlens compare $(EXAMPLE)/benchmark_results/baseline.txt $(EXAMPLE)/benchmark_results/current.txt --format markdown
	$(BIN)/benchlens check $(EXAMPLE)
	$(PY) $(EXAMPLE)/editor_session.py

lint: setup
	$(BIN)/ruff check server tests benchmarks examples $(EXT)/bundled/tool
	$(BIN)/ruff format --check server tests benchmarks examples $(EXT)/bundled/tool

typecheck: setup
	$(BIN)/mypy

pytest: setup system-deps
	$(BIN)/pytest -q

# The same core tests against the compiled wheel: what mypyc built must behave alike
# (the commands' and the language server's tests start it as a subprocess: PYTHONPATH
# reaches them). All of tests/lsp passed against it once (93 tests, 71 s); two suffice.
COMPILED_TESTS := tests/unit tests/cli/test_compare_cli.py tests/cli/test_check_cli.py \
	tests/cli/test_errors.py tests/cli/test_regression.py tests/cli/test_report_cli.py \
	tests/cli/test_two_cores.py tests/lsp/test_diagnostics.py tests/lsp/test_lenses.py
pytest-compiled: wheel
	@if [ -f $(COMPILED)/.built ]; then \
	  set -x; PYTHONPATH=$(abspath $(COMPILED)) BENCHLENS_EXPECT_COMPILED=1 \
	    $(BIN)/pytest -q -p no:cacheprovider $(COMPILED_TESTS); \
	else echo "skipped: no compiled wheel (no C compiler)"; fi

test: lint typecheck vscode-test pytest pytest-compiled

# Property-based fuzzing of every input reader (issue 10): 17,000 inputs for each of the
# six targets of tests/unit/test_fuzz.py; `make test` runs the same tests with 40 each.
fuzz: setup
	BENCHLENS_FUZZ_EXAMPLES=17000 $(BIN)/pytest -q -p no:cacheprovider --hypothesis-show-statistics tests/unit/test_fuzz.py

# One table: every figure of benchmarks/*.py against its reference, timed in the same run.
bench: wheel
	PYTHONPATH=$$([ -f $(COMPILED)/.built ] && echo $(abspath $(COMPILED))) $(PY) benchmarks/run_all.py

# Verdict quality, not speed: false alarms on unchanged code and detection of a 25 %/10 %
# slowdown, for go test -count, two benchlens runs and benchlens ab (about 1.5 h on
# 2 cores; not part of `make test`). SIGNAL_FLAGS, e.g. "--trials 3 --benchtime 50ms".
bench-signal: setup
	$(PY) benchmarks/verdict_signal.py $(SIGNAL_FLAGS)

clean:
	rm -rf $(VENV) build *.egg-info
	rm -rf $(EXT)/node_modules $(EXT)/dist $(EXT)/out $(EXT)/bundled/libs $(EXT)/bundled/abi

# --- The VS Code extension (vscode-extension/): npm builds, tests and packages it; make drives npm.
# Without npm the extension's targets say so and skip. The end-to-end test runs a real VS Code
# (code-server, installed into a cache outside the clone, keyed by version) in headless Chromium.
EXT                 := vscode-extension
VSIX                := $(EXT)/dist/benchlens-linux-x64.vsix
CODE_SERVER_VERSION := 4.100.3
HAVE_NPM            := $(shell command -v npm 2>/dev/null)
EXT_SOURCES         := $(wildcard $(EXT)/src/*.ts $(EXT)/test/*/*.ts) $(EXT)/tsconfig.json $(EXT)/esbuild.mjs
SERVER_SOURCES      := $(shell find server/benchlens -name '*.py' -o -name '*.j2' -o -name '*.html' 2>/dev/null)

ifeq ($(HAVE_NPM),)
vscode-build vscode-unit vscode-package vscode-e2e vscode-test:
	@echo "npm not found: the VS Code extension is not built and its tests are skipped"
else
$(EXT)/node_modules/.installed: $(EXT)/package.json $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(EXT)/out/.built: $(EXT)/node_modules/.installed $(EXT_SOURCES)
	cd $(EXT) && npm run --silent build && rm -rf out && npm run --silent compile-tests
	touch $(EXT)/out/.built

vscode-build: $(EXT)/out/.built

vscode-unit: vscode-build setup
	cd $(EXT) && BENCHLENS_TEST_PYTHON=$(abspath $(PY)) npm run --silent test:unit

# One platform-specific .vsix that carries benchlens and its Python dependencies.
$(VSIX): $(EXT)/out/.built $(EXT)/bundled/tool/serve.py $(EXT)/scripts/bundle-python.sh $(EXT)/README.md $(SERVER_SOURCES) pyproject.toml | setup
	$(EXT)/scripts/bundle-python.sh $(abspath $(PY)) . linux-x64
	cd $(EXT) && npm run --silent package

vscode-package: $(VSIX)

vscode-e2e: vscode-package vscode-system-deps setup
	@cs=$$($(EXT)/scripts/install-code-server.sh $(CODE_SERVER_VERSION)) || cs=""; \
	godir=$$($(PY) -c 'import go, os; print(os.path.join(os.path.dirname(go.__file__), "bin"))'); \
	cd $(EXT) && BENCHLENS_CODE_SERVER="$$cs" BENCHLENS_GO_DIR="$$godir" BENCHLENS_TEST_PYTHON=$(abspath $(PY)) \
	  BENCHLENS_VSIX=$(abspath $(VSIX)) BENCHLENS_E2E_ARTIFACTS=$(abspath build/vscode-e2e) \
	  npm run --silent test:e2e

vscode-test: vscode-unit vscode-e2e
endif

# Chromium drives the real VS Code; the emoji font makes the screenshots readable.
vscode-system-deps:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing="$$missing fonts-noto-color-emoji"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "$$missing not installed: the VS Code end-to-end test may be skipped"; \
	  else echo "$$missing not found and cannot install it: the VS Code end-to-end test may be skipped"; fi; \
	fi

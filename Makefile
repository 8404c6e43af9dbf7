# FriendlyGov: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed

# The suite runs in parallel (pytest-xdist, one worker per core; each test file stays on one worker,
# so what a module shares is built once). `make test PYTEST_ARGS=-n0` runs it serially;
# `make test MARKS="not browser"` leaves the browser tests to `make test-browser` (as CI does).
PYTEST_ARGS ?= -n auto --dist loadfile
MARKS ?=
# pytest keeps its rewritten test modules (and Python its bytecode) between runs; an environment
# that sets PYTHONDONTWRITEBYTECODE would otherwise make every run rewrite ~450 files (4 s).
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest $(PYTEST_ARGS)

# Development defaults; production sets SECRET_KEY and DEBUG=0 itself (see .env.example).
export FRIENDLYGOV_ALLOW_INSECURE_KEY ?= 1

.PHONY: install run test test-fast test-pg test-browser fuzz api-client lint format messages bench bench-compare clean

install: $(STAMP) catalogues

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is needed (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

catalogues: $(STAMP)
	@$(BIN)/python manage.py compile_catalogues

run: install
	@mkdir -p var
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py setup_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PYTEST) $(if $(MARKS),-m "$(MARKS)")

test-pg: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PYTEST) -m "not browser"

test-browser: install
	FRIENDLYGOV_SCREENSHOTS=$${FRIENDLYGOV_SCREENSHOTS:-visible} $(PYTEST) -m browser

# Schemathesis on /api/v1/openapi.json with the small demo, as three personas (docs/api.md).
fuzz: install
	$(BIN)/python -m pytest friendlygov/api/fuzz/fuzz_api.py -q -p no:warnings

# A client generated from the OpenAPI document (no warning allowed) does the integration jobs
# against a fresh small demo on a free port (tools/api_client.py; docs/api.md).
api-client: install
	$(BIN)/python tools/api_client.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r friendlygov config
	$(BIN)/djlint templates friendlygov --lint --quiet
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check_catalogues --extract

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates friendlygov --reformat --quiet || true

messages: install
	-$(BIN)/python manage.py check_catalogues --extract
	$(BIN)/python manage.py compile_catalogues

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-compare: install
	$(BIN)/python bench/dashboard.py

clean:
	rm -rf $(VENV) var staticfiles

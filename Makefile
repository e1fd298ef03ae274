PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench-annuaire bench-lists bench-deposits bench-documents bench-faults bench-recognition bench-api fuzz clean

# uv (from PyPI) installs in a fraction of pip's time; pip stays the fallback when uv cannot be
# had or fails. Both show their progress.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the dependencies into $(VENV) (first start only: about a minute with uv)"
	@($(BIN)/python -m pip install --quiet --disable-pip-version-check uv \
	  && $(BIN)/python -m uv pip install --python $(BIN)/python -e ".[dev]") \
	  || $(BIN)/python -m pip install --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	DJANGO_SETTINGS_MODULE=choruspro.settings.dev $(BIN)/python manage.py migrate --noinput
	PORT=$(PORT) DJANGO_SETTINGS_MODULE=choruspro.settings.dev $(BIN)/python manage.py load_demo_data
	PORT=$(PORT) DJANGO_SETTINGS_MODULE=choruspro.settings.dev $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# One xdist worker per core (on 2 cores, 2 beat 3); one test database per worker
# (test-db.sqlite3_gw0, test_<name>_gw0 on PostgreSQL), kept between runs (--reuse-db:
# migrations still apply; --create-db starts afresh).
PYTEST_WORKERS ?= auto

test: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=choruspro.settings.test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --reuse-db $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

bench-annuaire: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.annuaire

bench-lists: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.lists

bench-deposits: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.deposits

# The legal original (Factur-X PDF/A-3b) of a 1-page and a 3-page invoice, p50/p95, beside
# WeasyPrint alone on the same HTML.
bench-documents: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.documents

# PostgreSQL restart and Redis stop under FAULT_USERS users, worker killed in a lot (benchmarks/faults.py),
# on servers of its own (never the machine's): as root, which starts PostgreSQL as the postgres user.
FAULT_USERS ?= 20
FAULT_ARGS ?= --whole-worker

bench-faults: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.faults --users $(FAULT_USERS) $(FAULT_ARGS)
bench-api: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.api

# The readers under FUZZ_MUTANTS seeded mutants (counts per target and mutator; crashes saved in
# var/fuzz-crashes/), then FUZZ_DEPOSITS of them through the deposit service and its task.
FUZZ_MUTANTS ?= 10000
FUZZ_DEPOSITS ?= 300
FUZZ_SEED ?= 1

fuzz: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.fuzz --mutants $(FUZZ_MUTANTS) --seed $(FUZZ_SEED)
	FUZZ_DEPOSITS=$(FUZZ_DEPOSITS) FUZZ_SEED=$(FUZZ_SEED) $(BIN)/python -m pytest -q -p no:randomly \
		tests/test_fuzz.py::test_every_deposited_mutant_ends_in_a_final_state

clean:
	rm -rf var $(VENV)

# Recognition of plain and scanned PDFs: per field recall, wrong-value and empty rates, ms per page.
bench-recognition: $(STAMP)
	mkdir -p var
	$(BIN)/python -m benchmarks.recognition

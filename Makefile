# The two set-up commands of the README: `make demo` and `make test`. Both install from the lock files in
# requirements/ (exact versions and hashes), never from the version ranges of pyproject.toml, so that a new
# release of a dependency cannot change a fresh clone. `make lock` refreshes the locks from pyproject.toml,
# `make upgrade` takes the newest allowed versions into them, `make test-latest` runs the suite on those
# newest versions without touching the locks (docs/dependencies.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_LOCK := requirements/run.txt
TEST_LOCK := requirements/test.txt
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
# The lock tool, itself pinned; it lives in a venv of its own, outside the product's.
UV_VERSION := 0.13.9
TOOLS := .venv-tools
LATEST := .venv-latest
COMPILE = $(TOOLS)/bin/uv pip compile pyproject.toml requirements/build.in --universal --python-version 3.11 \
	--generate-hashes --quiet

.PHONY: demo test lint bench soak lock upgrade test-latest clean

# What civtrack needs to run, and nothing else: the run lock, then civtrack itself (editable, built by the
# setuptools of the lock: no build isolation, which would fetch an unpinned one).
$(RUN_STAMP): pyproject.toml $(RUN_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(RUN_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The test lock is the run lock plus the test extras, at the same versions (tests/test_lock.py).
$(TEST_STAMP): $(RUN_STAMP) $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(TEST_LOCK)
	touch $@

# The bundled plans are past years': show them as of a day inside each year with progress.
demo: $(RUN_STAMP)
	$(BIN)/civtrack status --as-of 2021-09-30 --plan binhai-2021
	$(BIN)/civtrack --lang zh status --as-of 2022-09-30 --plan fuling-2022

# pytest-xdist: four workers on two cores, since many tests wait (on git, on a process to kill) more than
# they compute (measured: 182 s with four, 215 s with two).
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 4
	$(BIN)/ruff check civtrack tests $(wildcard benchmarks)

# The bounded fuzz, property and fault loops of `make test`, run much longer: every
# test that loops reads CIVTRACK_SOAK (properties, loader fuzzing, record's kill -9
# and concurrency loops). One pytest run over the whole suite, every command-line run
# through the installed console script (CIVTRACK_TEST_INSTALLED, tests/conftest.py).
soak: $(TEST_STAMP)
	CIVTRACK_SOAK=1 CIVTRACK_TEST_INSTALLED=1 $(BIN)/python -m pytest -q -n 4 tests

# The benchmark table of docs/performance.md (issue 6): 10k, 100k and 1M entries, medians of 5 runs,
# beside hledger when installed (apt-get install hledger). Under 10 minutes on 2 cores, generation included.
bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(TEST_STAMP)
	$(BIN)/ruff check civtrack tests $(wildcard benchmarks)

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'

# The locks from pyproject.toml, keeping every pin that still fits (a new dependency, a changed range).
lock: $(TOOLS)/bin/uv
	$(COMPILE) -o $(RUN_LOCK)
	$(COMPILE) --extra test -o $(TEST_LOCK)

# The newest versions pyproject.toml allows (all, or PACKAGE=name for one), written into the locks.
upgrade: $(TOOLS)/bin/uv
	$(COMPILE) $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade) -o $(RUN_LOCK)
	$(COMPILE) --extra test $(if $(PACKAGE),--upgrade-package $(PACKAGE),--upgrade) -o $(TEST_LOCK)

# The whole suite on the newest versions pyproject.toml allows, in a venv of its own, without the locks:
# drift found on purpose (run it before `make upgrade`, and now and then).
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade -e '.[test]'
	$(LATEST)/bin/python -m pip list --format=freeze > $(LATEST)/versions.txt
	$(LATEST)/bin/python -m pytest -n 4
	$(LATEST)/bin/ruff check civtrack tests $(wildcard benchmarks)

clean:
	rm -rf $(VENV) $(TOOLS) $(LATEST) .civtrack build *.egg-info

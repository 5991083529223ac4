# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench soak clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The bundled plans are past years': show them as of a day inside each year with progress.
demo: $(STAMP)
	$(BIN)/civtrack status --as-of 2021-09-30 --plan binhai-2021
	$(BIN)/civtrack --lang zh status --as-of 2022-09-30 --plan fuling-2022

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check civtrack tests $(wildcard benchmarks)

# The bounded fuzz, property and fault loops of `make test`, run much longer: every
# test that loops reads CIVTRACK_SOAK (properties, loader fuzzing, record's kill -9
# and concurrency loops). One pytest run over the whole suite.
soak: $(STAMP)
	CIVTRACK_SOAK=1 $(BIN)/python -m pytest -q tests

# The benchmark table of docs/performance.md (issue 6): 10k, 100k and 1M entries, medians of 5 runs,
# beside hledger when installed (apt-get install hledger). Under 10 minutes on 2 cores, generation included.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check civtrack tests $(wildcard benchmarks)

clean:
	rm -rf $(VENV) .civtrack build *.egg-info

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

demo: $(STAMP)
	$(BIN)/civtrack status

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check civtrack tests benchmarks

# Longer fault loops (kill -9 of record ×400): CIVTRACK_SOAK=1.
soak: $(STAMP)
	CIVTRACK_SOAK=1 $(BIN)/python -m pytest tests/test_record_faults.py tests/test_record_concurrency.py

lint: $(STAMP)
	$(BIN)/ruff check civtrack tests benchmarks

clean:
	rm -rf $(VENV) .civtrack build *.egg-info

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

# The benchmark table of docs/performance.md (issue 6): 10k, 100k and 1M entries, medians of 5 runs,
# beside hledger when installed (apt-get install hledger). Under 10 minutes on 2 cores, generation included.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check civtrack tests benchmarks

clean:
	rm -rf $(VENV) .civtrack build *.egg-info

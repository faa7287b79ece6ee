# The two commands of wixqb-nb: `make demo` and `make test`. Each creates .venv when it is missing
# and installs the project from pyproject.toml; the stamp file makes a second call install nothing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: test demo bench lint typecheck pytest install clean soak

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check wixqb_nb tests benchmarks
	$(BIN)/ruff format --check wixqb_nb tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

demo: $(STAMP)
	$(BIN)/wixqb demo

bench: $(STAMP)
	@status=0; for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || status=1; done; exit $$status

soak: $(STAMP)
	$(BIN)/python -m pytest -q -m soak

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# Quick start: `make demo` builds the example paper; `make test` runs the suite.
# Both create .venv and install what they need, system packages included.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := data/dorset-od-framework-2018.xlsx
PREVIOUS := data/dorset-od-framework-2018-05.xlsx

.PHONY: demo test bench lint system-deps venv clean

# System libraries WeasyPrint and the tests need (Debian/Ubuntu names).
system-deps:
	@scripts/install-system-deps.sh

$(BIN)/reportgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# The distribution was called "reportgen" before it became "nhs-reportgen".
	-@$(BIN)/pip uninstall --quiet --yes reportgen 2>/dev/null
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

venv: system-deps $(BIN)/reportgen

demo: venv
	$(BIN)/reportgen build $(EXAMPLE) --previous $(PREVIOUS) -o output --html --docx
	$(BIN)/reportgen pack data/pack/agenda.yaml -o output
	$(BIN)/reportgen pack data/pack/agenda.yaml -o output --part private

# The layering contract (pyproject.toml) first: a broken layer fails the run. Then the
# suite, a test file per CPU at once (pytest-xdist: most tests use one core, and a file's
# module-wide builds stay in one process), then the wheel installed into a fresh venv
# outside the checkout (check-wheel).
test: venv
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto --dist loadfile
	PYTHON=$(PYTHON) scripts/check-wheel.sh

# Benchmarks (not part of the tests): `make bench`, or `make bench QUICK=1` (< 1 minute).
bench: venv
	$(BIN)/python benchmarks/run.py $(if $(QUICK),--quick,)
	$(BIN)/python benchmarks/preview.py $(if $(QUICK),--quick,)

# The code is laid out by hand (ruff's formatter would rewrap it all): lint is `ruff check`.
lint: venv
	$(BIN)/ruff check reportgen tests scripts benchmarks
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) output/*.pdf output/*.html output/*.docx

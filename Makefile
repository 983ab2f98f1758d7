# Two commands do the whole set-up: `make lab` and `make test`. Each creates .venv when it is
# missing and reinstalls only when pyproject.toml changed, so a second run starts at once.
# `make lab` installs what the lessons need (the `lab` extra); `make test` adds the test-only
# packages (the `dev` extra: PyTorch as an oracle, Playwright, linters).
VENV   := .venv
PY     := $(VENV)/bin/python
LAB_STAMP := $(VENV)/.lab-stamp
DEV_STAMP := $(VENV)/.dev-stamp
PYTEST_WORKERS ?= 2
# JupyterLab refuses to start as root (containers, CI machines) unless told it is intended.
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
FIRST_LESSON := lessons/01_computational_graphs.ipynb

.PHONY: lab test bench lint clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(LAB_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[lab]"
	touch $(LAB_STAMP)

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[dev]"
	touch $(DEV_STAMP) $(LAB_STAMP)

# Rooted at the repository, so lessons/ and notebooks/ are both in the file browser; opens lesson 01.
lab: $(LAB_STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/$(FIRST_LESSON) $(LAB_ROOT_FLAG)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

bench: $(DEV_STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-output

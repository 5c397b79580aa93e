# Two commands do everything on a fresh machine:  make demo   ·   make test
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo run test lint locales bench browser

setup: $(STAMP) locales

$(STAMP): pyproject.toml
	@command -v python3 >/dev/null || { echo "python3 (3.11+) is required"; exit 1; }
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

locales: $(STAMP)
	$(PY) -m bot.locales_build

demo: setup
	$(VENV)/bin/parbot demo

run: setup
	$(VENV)/bin/parbot run

# Debian's Chromium for the browser test of the demo page (Playwright drives it; no download).
# The emoji font makes the screenshots show the buttons' emoji instead of empty boxes.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "color emoji"; } || { \
	  echo "installing Debian chromium and the emoji font for the browser test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; }

test: setup browser
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) -m bench

# Two entry points, both self-installing on a fresh Debian machine with Python 3.11:
#   make build   validate the embedded KPU model and build the site, contracts and reports into build/
#   make test    lint, type-check and run the whole test suite with the real validators
# Each creates .venv and installs Debian's graphviz when `dot` is missing; the tests
# also install Debian's postgresql (a real server checks the generated SQL),
# chromium (the site is tested in a browser), virtuoso-opensource (publishing to
# and validating at a SPARQL server; the Oxigraph server comes from PyPI with the
# test extras), LibreOffice's writer and calc (the exported DOCX and XLSX must open
# in it), and the validators from the npm registry (tests/tools), then run.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NPM_TOOLS := tests/tools/node_modules/.package-lock.json
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: build test lint graphviz postgresql chromium virtuoso libreoffice clean

build: $(STAMP) graphviz
	$(BIN)/arsitek build --output build

test: $(STAMP) graphviz postgresql chromium virtuoso libreoffice $(NPM_TOOLS) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check generators tests bench
	$(BIN)/ruff format --check generators tests bench
	$(BIN)/mypy

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  echo "Installing Debian's graphviz (dot is missing)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq graphviz >/dev/null; }

postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql (initdb is missing)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium (the site is tested in a real browser)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing a Java runtime (for the Nu Html Checker)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }

# Virtuoso's package asks for a dba password; a database of our own is always dba/dba, so preseed and go.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "Installing Debian's virtuoso-opensource (publish and validate --endpoint are tested against it)"; \
	  printf '%s\n' 'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba' \
	    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba' | $(SUDO) debconf-set-selections; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null; }

libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "Installing Debian's LibreOffice writer and calc (the exported DOCX and XLSX are opened in it)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null; }

$(NPM_TOOLS): tests/tools/package.json tests/tools/package-lock.json
	npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts --loglevel=error

clean:
	rm -rf build $(VENV) tests/tools/node_modules .pytest_cache .mypy_cache .ruff_cache

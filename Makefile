# Everything a fresh machine needs, from a clone: `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo serve demo-fixture test quick lint pytest install clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Run the site on SQLite with the demo content at http://127.0.0.1:$(PORT)/
## The demo content is loaded into an empty database only: a second run keeps your edits.
demo: install
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py load_demo
	@echo "Editor login: $(PY) manage.py create_editor YOURNAME  (then open /admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Serve the database as it is at http://127.0.0.1:$(PORT)/ (no migrations, no loading)
serve: install
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Rebuild fixtures/demo.json from fixtures/seeds/ (after changing the seeds or the models)
DEMO_MODELS := providers.provider providers.provideralias articles.topic articles.article articles.story \
	articles.articleimage articles.relatedlink articles.statuschange \
	articles.importrun articles.importfailure
demo-fixture: install
	@db=$$(mktemp -d)/demo.sqlite3; \
	export DATABASE_URL=sqlite:///$$db; \
	$(PY) manage.py migrate --verbosity 0 && \
	$(PY) manage.py import_seeds fixtures/seeds && \
	$(PY) manage.py dumpdata $(DEMO_MODELS) --natural-foreign --natural-primary \
		--indent 1 -o fixtures/demo.json; \
	rm -f $$db

## The whole suite: lint, Django's checks, migrations in step, tests.
test: install lint pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=newsroom.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: install
	$(PY) -m pytest $(PYTEST_ARGS)

## The inner loop: the suite without the browser tests (no Chromium needed).
quick: install
	$(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts

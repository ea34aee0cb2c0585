# Two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test install messages bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing: apt-get install gettext (needed to compile the French catalogue)"; exit 1; }
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install messages
	$(BIN)/python -m pytest

bench: install messages
	$(BIN)/python bench/run.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/dashboard.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3* test-db.sqlite3* staticfiles .pytest_cache

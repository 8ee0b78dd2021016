PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt
UV_VERSION := 0.13.9

.PHONY: play test test-exhaustive test-fast lint lock bench clean

# Everything is installed from the hash-pinned lock; the project itself goes in
# editable, with no dependencies of its own and the locked build backend.
$(STAMP): $(LOCK) pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m simulator.warm
	touch $(STAMP)

play: $(STAMP)
	$(BIN)/dealcraft

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --dist worksteal --cov --cov-report=term --durations=15

# The minutes-long runs CI leaves out: every key on every screen, the largest and the
# many generated scenarios.
test-exhaustive: $(STAMP)
	$(BIN)/pytest -m exhaustive --no-cov

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow and not e2e and not exhaustive" --no-cov

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the lock from pyproject.toml (every extra) and the build backend;
# see docs/dependencies.md for upgrading a dependency.
lock:
	test -x $(VENV)-lock/bin/uv || ($(PY) -m venv $(VENV)-lock && $(VENV)-lock/bin/pip install --quiet uv==$(UV_VERSION))
	$(VENV)-lock/bin/uv pip compile pyproject.toml requirements/build.in --all-extras \
	  --universal --python-version 3.11 --generate-hashes --quiet $(UPGRADE) -o $(LOCK)

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(VENV)-lock build *.egg-info

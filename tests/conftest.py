"""Shared fixtures: the shipped scenarios (loaded once), a private data folder, and a quick
Textual Pilot. Shared helpers that are not fixtures live in tests/support/."""

from pathlib import Path

import pytest

from engine.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def northwind():
    return load_scenario(ROOT / "scenarios" / "northwind_new_logo.yaml")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Dealcraft data folder ($DEALCRAFT_HOME: saves, the workshop store) for this
    test only, and no facilitator key, store URL or server leaking in from the shell."""
    monkeypatch.setenv("DEALCRAFT_HOME", str(tmp_path))
    for name in (
        "DEALCRAFT_KEY",
        "DEALCRAFT_FACILITATOR_KEY",
        "DEALCRAFT_DB",
        "DEALCRAFT_SERVER",
        "DEALCRAFT_TEAM_PASSCODE",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def fast_pilot(monkeypatch):
    """No animations, and Pilot waits for 'idle' in 2 ms slices after every key instead of
    20 ms, which keeps UI tests quick. UI modules use it for every test:
    `pytestmark = pytest.mark.usefixtures("fast_pilot")`."""
    import textual._wait

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.002)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.0005)

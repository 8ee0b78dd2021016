"""Shared fixtures: the shipped scenarios, loaded once."""

from pathlib import Path

import pytest

from engine.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def northwind():
    return load_scenario(ROOT / "scenarios" / "northwind_new_logo.yaml")

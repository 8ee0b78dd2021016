"""The JSON Schema and the designer's guide are generated, complete and up to date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.model import Scenario
from engine.schema import scenario_schema
from simulator import docgen
from simulator.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "docs" / "scenario.schema.json"
GUIDE = ROOT / "docs" / "scenario-format.md"
CODES_PAGE = ROOT / "docs" / "error-codes.md"
REGENERATE = (
    "stale: run `.venv/bin/dealcraft schema > docs/scenario.schema.json`, "
    "`.venv/bin/python -m simulator.docgen > docs/scenario-format.md` and "
    "`.venv/bin/python -m simulator.docgen codes > docs/error-codes.md`"
)


def _objects(schema: dict):
    """(name, object schema) for the top level and every definition."""
    yield "Scenario", schema
    yield from schema.get("$defs", {}).items()


def test_every_property_has_a_description():
    missing = [
        f"{name}.{prop}"
        for name, obj in _objects(scenario_schema())
        for prop, spec in obj.get("properties", {}).items()
        if not spec.get("description", "").strip()
    ]
    assert missing == []


def test_every_definition_has_a_description():
    schema = scenario_schema()
    assert [name for name, obj in _objects(schema) if not obj.get("description")] == []


def test_schema_command_matches_the_committed_file(capsys):
    assert main(["schema"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["$id"] == "https://dealcraft.dev/schema/scenario.json"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == out, REGENERATE


def test_schema_names_the_required_fields():
    schema = scenario_schema()
    assert set(schema["required"]) == {
        name for name, f in Scenario.model_fields.items() if f.is_required()
    }
    assert schema["additionalProperties"] is False


def test_guide_matches_the_generator():
    assert GUIDE.read_text(encoding="utf-8") == docgen.generate(), REGENERATE


def test_error_codes_page_matches_the_code_table():
    assert CODES_PAGE.read_text(encoding="utf-8") == docgen.error_codes(), REGENERATE


def test_every_documented_code_is_used():
    """No code in the table is dead (an unknown code fails as soon as a Problem is made)."""
    import re

    from engine.problems import CODES

    used = set()
    for path in [*ROOT.glob("engine/**/*.py"), *ROOT.glob("simulator/**/*.py")]:
        if path.name != "problems.py":
            used |= set(re.findall(r'"([a-z]+\.[a-z][a-z-]*)"', path.read_text(encoding="utf-8")))
    assert set(CODES) - used == set()


def test_guide_covers_every_field_of_every_part():
    text = docgen.generate()
    for _, _, model, _ in docgen.SECTIONS:
        for name in model.model_fields:
            assert f"| `{name}` |" in text, (model.__name__, name)
    for heading in ("## Cross-reference rules", "## Lint warnings", "## Worked example"):
        assert heading in text


def test_guide_example_is_cut_from_the_shipped_scenario():
    shipped = docgen.EXAMPLE.read_text(encoding="utf-8")
    for line in docgen.example_excerpt():
        assert line in shipped or line.lstrip().startswith("# ...")


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_point_at_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/scenario.schema.json"

"""The scenario JSON Schema, generated from the pydantic model, and the editor modeline."""

from __future__ import annotations

from engine.model import Scenario

SCHEMA_ID = "https://dealcraft.dev/schema/scenario.json"
SCHEMA_NAME = "scenario.schema.json"  # the file `dealcraft schema --install` writes


def scenario_schema() -> dict:
    """JSON Schema for scenario files, with a description on every field."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Dealcraft scenario"
    return schema


def modeline(ref: str) -> str:
    """The first line that tells the YAML language server which schema a file follows."""
    return f"# yaml-language-server: $schema={ref}"

"""The scenario JSON Schema, generated from the pydantic model."""

from __future__ import annotations

from engine.model import Scenario

SCHEMA_ID = "https://dealcraft.dev/schema/scenario.json"


def scenario_schema() -> dict:
    """JSON Schema for scenario files, with a description on every field."""
    schema = Scenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "Dealcraft scenario"
    return schema

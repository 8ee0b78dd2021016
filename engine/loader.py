"""Load scenario files into immutable, cross-checked Scenario models.

`load_scenario` is the one way in: safe YAML, pydantic validation, then the
cross-reference checks in engine.checks; every problem is reported at once
with the file, line and column of the offending node.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from engine.checks import check_scenario
from engine.model import Scenario
from engine.problems import InputError, Problem
from engine.yamlsource import Source, read_yaml

SCENARIO_SUFFIXES = (".yaml", ".yml")


def content_hash(scenario: Scenario) -> str:
    """Hash of the scenario's content (not its formatting or comments): saves name it."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _message(err: dict) -> str:
    kind = err["type"]
    field = ".".join(str(p) for p in err["loc"])
    if kind == "missing":
        return f"missing required field '{err['loc'][-1]}'"
    if kind == "extra_forbidden":
        return f"unknown field '{err['loc'][-1]}'"
    msg = err["msg"]
    if kind == "string_pattern_mismatch":
        msg = "ids must be lower-case letters, digits, '-' or '_', starting with a letter"
    return f"{field}: {msg}" if field else msg


def pydantic_problems(source: Source, exc: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into problems at the exact YAML node."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        key = err["type"] == "extra_forbidden"
        problems.append(source.problem(loc, _message(err), key=key))
    return problems


def parse_scenario(source: Source) -> tuple[Scenario, list[Problem]]:
    """Validate parsed YAML; return the model and its warnings or raise InputError."""
    if not isinstance(source.data, dict):
        raise InputError([source.problem((), "a scenario file must be a mapping of fields")])
    try:
        scenario = Scenario.model_validate(source.data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(source, exc)) from None
    problems = check_scenario(scenario, source)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    scenario._content_hash = content_hash(scenario)
    scenario._source = source.path
    return scenario, problems


def load_scenario(path: str | Path, display: str | None = None) -> Scenario:
    """Load and fully check one scenario file (warnings are dropped; see validate_file)."""
    return parse_scenario(read_yaml(path, display=display))[0]


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem in one file, errors and warnings, without raising."""
    try:
        return parse_scenario(read_yaml(path))[1]
    except InputError as exc:
        return exc.problems


def scenario_files(paths: list[str | Path]) -> list[Path]:
    """Expand folders into their scenario files, sorted; keep files as given."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in SCENARIO_SUFFIXES))
        else:
            files.append(p)
    return files


def builtin_dir() -> Path:
    """The folder of the shipped scenario library, wherever the package is installed."""
    return Path(str(resources.files("scenarios")))


def builtin_scenarios() -> list[Scenario]:
    """Every shipped scenario, sorted by difficulty then title."""
    order = {"easy": 0, "medium": 1, "hard": 2}
    found = [load_scenario(f) for f in scenario_files([builtin_dir()])]
    return sorted(found, key=lambda s: (order[s.difficulty], s.title))


def find_scenario(name: str, extra_dirs: list[Path] | None = None) -> Scenario:
    """A scenario by file path or by id among the shipped (and extra) scenarios."""
    p = Path(name)
    if p.suffix in SCENARIO_SUFFIXES or p.exists():
        return load_scenario(p)
    for f in scenario_files([builtin_dir(), *(extra_dirs or [])]):
        if f.stem == name:
            return load_scenario(f)
    for f in scenario_files([builtin_dir(), *(extra_dirs or [])]):
        try:
            s = load_scenario(f)
        except InputError:
            continue
        if s.id == name:
            return s
    raise InputError([Problem(name, 1, 1, "error", f"no scenario named '{name}'")])

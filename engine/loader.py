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
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine.checks import ID_KINDS, Parts, check_parts, check_scenario
from engine.model import EventEffects, EventWhen, Rules, Scenario
from engine.problems import InputError, Problem, did_you_mean, join_hints, odd_chars, shorten
from engine.yamlsource import Source, read_yaml

SCENARIO_SUFFIXES = (".yaml", ".yml")


# Guidance that never changes play: left out of the hash, so rewording a hint (or adding
# hints to a deal) keeps every save of it loadable.
NOT_HASHED = frozenset({"hints", "tutorial"})

# event fields added after saves named hashes: left out at their defaults, so a scenario
# that does not use them keeps its hash (and its saves)
_LATER = {
    "when": (
        "if_run",
        "if_not_run",
        "if_met",
        "if_not_met",
        "if_skipped",
        "if_staffed",
        "repeat_every",
        "max_times",
    ),
    "effects": ("lasts", "silent"),
}
_LATER_RULES = ("shift_noticed",)  # rules added after saves named hashes, left out at default


def _canonical(scenario: Scenario) -> dict:
    data = scenario.model_dump(mode="json", exclude=set(NOT_HASHED))
    models = {"when": EventWhen, "effects": EventEffects}
    for ev in data["events"]:
        for part, names in _LATER.items():
            fields = models[part].model_fields
            for name in names:
                if ev[part].get(name) == fields[name].get_default(call_default_factory=True):
                    ev[part].pop(name, None)
    rules = data.get("rules")
    if isinstance(rules, dict):
        for name in _LATER_RULES:
            if rules.get(name) == Rules.model_fields[name].default:
                rules.pop(name, None)
    return data


def content_hash(scenario: Scenario) -> str:
    """Hash of the scenario's content (not its formatting, comments or hints): saves name it."""
    canonical = json.dumps(_canonical(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def play_hash(scenario: Scenario) -> str:
    """Hash of what plays: the content hash's content without the facilitator's material
    (notes, hidden truth), so a player's copy of a workshop scenario, which leaves that
    out, is checked to be the session's scenario in everything else."""
    data = _canonical(scenario)
    data.pop("facilitator", None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _dotted(loc: tuple) -> str:
    """('roster', 2, 'skills') -> 'roster[2].skills'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def model_type_at(loc: tuple) -> Any:
    """The declared type at a path in the scenario model (a model class, enum, ...), or None."""
    tp: Any = Scenario
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            tp = field.annotation
            continue
        origin, args = get_origin(tp), get_args(tp)
        if origin is list or (origin is tuple and args):
            tp = args[0]
        elif origin is dict:
            tp = args[1]
        else:
            return None
    return _unwrap(tp)


def _show(value: Any) -> str:
    """A short rendering of a YAML value for a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


_BOOL_HINT = "; YAML reads unquoted yes/no/on/off/true/false as true/false, so put text in quotes"
_KINDS = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def _misplaced(loc: tuple, name: str) -> str:
    """A hint for an unknown key that belongs one level up or down: a key dedented out
    of `effects` (or indented into it) is a field of a neighbour, not a typo."""
    parent = model_type_at(loc)
    if not _is_model(parent):
        return ""
    for field, info in parent.model_fields.items():
        child = _unwrap(info.annotation)
        if _is_model(child) and name in child.model_fields:
            where = _dotted((*loc, field))
            return f"'{name}' is a field of {where}: indent it under '{field}:'"
    if loc and not isinstance(loc[-1], int):
        outer = model_type_at(loc[:-1])
        if _is_model(outer) and name in outer.model_fields:
            return (
                f"'{name}' is a field of {_dotted(loc[:-1]) or 'the top level'}, not of "
                f"{_dotted(loc)}: move it out one level"
            )
    return ""


def _hint(err: dict) -> str:
    """A hint for one pydantic error: a misplaced key, a misspelling, odd characters."""
    kind = err["type"]
    loc = tuple(err["loc"])
    value = err.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1])
        parent_type = model_type_at(loc[:-1])
        fields = list(parent_type.model_fields) if _is_model(parent_type) else []
        return join_hints(_misplaced(loc[:-1], name) or did_you_mean(name, fields), odd_chars(name))
    if kind == "enum" and isinstance(value, str):
        enum = model_type_at(loc)
        choices = [e.value for e in enum] if isinstance(enum, type) else []
        return join_hints(did_you_mean(value, choices), odd_chars(value))
    if kind == "string_pattern_mismatch" and isinstance(value, str):
        return odd_chars(value)
    return ""


def _message(err: dict) -> str:
    """A designer-friendly message for one pydantic error (its hint is in _hint)."""
    kind = err["type"]
    loc = tuple(err["loc"])
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        where = _dotted(loc[:-1])
        hint = _BOOL_HINT if isinstance(value, bool) else ""
        return f"{where}: key {_show(value)} must be text{hint}"
    field = _dotted(loc)
    prefix = f"{field}: " if field else ""
    if kind == "missing":
        if isinstance(loc[-1], int):
            return f"{_dotted(loc[:-1])}: needs {loc[-1] + 1} values, e.g. [first, last]"
        parent = _dotted(loc[:-1])
        return f"missing required field '{loc[-1]}'" + (f" in {parent}" if parent else "")
    if kind == "extra_forbidden":
        where = f" in {_dotted(loc[:-1])}" if len(loc) > 1 else ""
        return f"unknown field '{shorten(str(loc[-1]))}'{where}"
    if kind == "enum":
        enum = model_type_at(loc)
        choices = [e.value for e in enum] if isinstance(enum, type) else []
        return f"{prefix}{_show(value)} is not one of: {', '.join(choices)}"
    if kind == "string_pattern_mismatch":
        return (
            f"{prefix}{_show(value)} is not a valid id: use lower-case letters, digits, '-' or "
            "'_', starting with a letter (at most 48 characters)"
        )
    if kind == "string_type":
        if value is None:
            return f"{prefix}is empty; it needs text"
        hint = _BOOL_HINT if isinstance(value, bool) else ""
        return f"{prefix}must be text, not {_show(value)}{hint}"
    if kind == "string_too_short":
        return f"{prefix}must not be empty"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{prefix}must be {words} {_show(ctx.get(key))} (got {_show(value)})"
    if kind == "finite_number":
        return f"{prefix}must be a finite number (got {_show(value)})"
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length" if kind == "too_short" else "max_length")
        got = ctx.get("actual_length")
        if ctx.get("field_type") == "Tuple":
            return f"{prefix}needs exactly {n} values (got {got})"
        words = "at least" if kind == "too_short" else "at most"
        return f"{prefix}needs {words} {n} item{'s' if n != 1 else ''} (got {got})"
    if kind in _KINDS:
        hint = _BOOL_HINT if kind in ("int_type", "float_type") and value is True else ""
        return f"{prefix}must be {_KINDS[kind]}, not {_show(value)}{hint}"
    return prefix + err["msg"]


_CODES = {
    "missing": "field.missing",
    "extra_forbidden": "field.unknown",
    "enum": "field.enum",
    "string_pattern_mismatch": "field.id",
    "finite_number": "field.range",
    "string_too_short": "field.length",
    "too_short": "field.length",
    "too_long": "field.length",
    "string_too_long": "field.length",
    **{kind: "field.range" for kind in _BOUNDS},
    **{kind: "field.type" for kind in (*_KINDS, "string_type")},
}


def _code(err: dict) -> str:
    """The stable problem code for one pydantic error."""
    if err["loc"] and err["loc"][-1] == "[key]":
        return "field.key"
    return _CODES.get(err["type"], "field.invalid")


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def pydantic_problems(source: Source, exc: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into problems at the exact YAML node.

    Missing fields point at the mapping that lacks them, unknown fields and bad
    keys at the key, everything else at the offending value.
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        key = err["type"] == "extra_forbidden"
        if loc and loc[-1] == "[key]":
            loc, key = loc[:-1], True
        problems.append(source.problem(loc, _code(err), _message(err), key=key, hint=_hint(err)))
    return problems


def _written_ids(value: Any) -> list[str] | None:
    """The ids of a list as written (stripped), None for an entry without one; None when
    the list itself is not a list, or an entry has no readable id."""
    if not isinstance(value, list):
        return None
    ids = [x.get("id") if isinstance(x, dict) else None for x in value]
    if not all(isinstance(i, str) for i in ids):
        return None
    return [i.strip() for i in ids]


def partial_parts(data: dict, errors: list[dict]) -> Parts:
    """The parts of a scenario that passed field validation, for the cross-reference
    checks: every field without an error, and every list entry without one."""
    bad = {tuple(e["loc"][:2]) for e in errors if e["loc"]} | {
        tuple(e["loc"][:1]) for e in errors if e["loc"]
    }
    values: dict[str, Any] = {}
    complete = set()
    for name, info in Scenario.model_fields.items():
        if name not in data:
            if info.is_required():
                values[name] = None
            else:
                values[name] = info.get_default(call_default_factory=True)
                complete.add(name)
            continue
        raw = data[name]
        item = _unwrap(info.annotation)
        if get_origin(item) is list and _is_model(get_args(item)[0]):
            model = get_args(item)[0]
            if not isinstance(raw, list):
                values[name] = None
                continue
            values[name] = [
                None if (name, i) in bad else model.model_validate(x) for i, x in enumerate(raw)
            ]
        elif (name,) in bad:
            values[name] = None
            continue
        elif _is_model(item):
            values[name] = item.model_validate(raw)
        else:
            values[name] = TypeAdapter(
                Annotated[info.annotation, info], config=Scenario.model_config
            ).validate_python(raw)
        if (name,) not in bad:
            complete.add(name)
    ids = {kind: _written_ids(data.get(kind)) for kind in ID_KINDS}
    return Parts(values, frozenset(complete), ids)


def parse_scenario(source: Source) -> tuple[Scenario, list[Problem]]:
    """Validate parsed YAML; return the model and its warnings or raise InputError.

    One pass: a file with bad fields also gets the cross-reference errors of every part
    that did parse, all in file order.
    """
    if not isinstance(source.data, dict):
        raise InputError(
            [source.problem((), "field.not-mapping", "a scenario file must be a mapping of fields")]
        )
    try:
        scenario = Scenario.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = pydantic_problems(source, exc)
        problems += check_parts(partial_parts(source.data, errors), source)
        raise InputError(dict.fromkeys(problems)) from None
    problems = sorted(check_scenario(scenario, source))
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
    stems, known = [], []
    for f in scenario_files([builtin_dir(), *(extra_dirs or [])]):
        stems.append(f.stem)
        try:
            s = load_scenario(f)
        except InputError:
            continue
        if s.id == name:
            return s
        known.append(s.id)
    raise InputError.at(
        name,
        "scenario.not-found",
        f"no scenario named '{name}'",
        hint=did_you_mean(name, stems + known) or f"known: {', '.join(stems)}",
    )

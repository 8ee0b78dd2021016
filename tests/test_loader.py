"""The scenario loader: positions of every kind of problem, and hostile files."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from engine import yamlsource
from engine.loader import content_hash, load_scenario, validate_file
from engine.problems import InputError
from engine.yamlsource import read_yaml
from simulator.scaffold import render

ROOT = Path(__file__).resolve().parent.parent
NORTHWIND = ROOT / "scenarios" / "northwind_new_logo.yaml"
TEXT = render(Path("acme_deal.yaml"))  # a clean, small scenario that this project owns


def edit(*pairs: tuple[str, str]) -> str:
    text = TEXT
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def pos(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based (line, col) of `needle` (plus offset characters) in text."""
    i = text.index(needle) + offset
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def check(tmp_path: Path, text: str | bytes, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path, validate_file(path)


def errors(problems):
    return [p for p in problems if p.severity == "error"]


# -- the happy path -------------------------------------------------------------------


def test_shipped_scenarios_are_clean():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert validate_file(path) == [], path


def test_load_northwind():
    s = load_scenario(NORTHWIND)
    assert s.id == "northwind-new-logo"
    assert s.quarterback_role.id == "quarterback"
    assert s.content_hash == content_hash(s) and len(s.content_hash) == 16
    assert s.source == str(NORTHWIND)


def test_content_hash_ignores_comments_and_formatting(tmp_path):
    path, problems = check(tmp_path, TEXT)
    assert problems == []
    again, problems = check(
        tmp_path, "# new\n" + TEXT.replace("weeks: 8 ", "weeks:   8 "), "b.yaml"
    )
    assert problems == []
    assert load_scenario(path).content_hash == load_scenario(again).content_hash


def test_uses_the_c_safe_loader():
    assert yaml.__with_libyaml__
    assert yamlsource.SafeLoader is yaml.CSafeLoader


def test_same_data_as_yaml_safe_load():
    text = NORTHWIND.read_text(encoding="utf-8")
    assert read_yaml(NORTHWIND).data == yaml.load(text, Loader=yaml.CSafeLoader)


# -- positions ------------------------------------------------------------------------


def test_missing_field_points_at_the_parent_mapping(tmp_path):
    text = edit(("    weekly_cost: 2500\n", ""))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert (p.line, p.col) == pos(text, "id: kim")
    assert p.code == "field.missing" and "weekly_cost" in p.message


def test_missing_top_level_field_points_at_the_document(tmp_path):
    text = edit(("limits:\n  headcount: 3\n  weekly_budget: 10000\n", ""))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert (p.line, p.col) == pos(text, "id: acme")
    assert p.code == "field.missing" and "limits" in p.message


def test_unknown_field_points_at_the_key_with_a_hint(tmp_path):
    text = edit(("    bio: Builds demos", "    boi: Builds demos"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert (p.line, p.col) == pos(text, "boi:")
    assert p.code == "field.unknown" and "'bio'" in p.hint


def test_wrong_type_points_at_the_value(tmp_path):
    text = edit(("    capacity: 6\n", "    capacity: six\n"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert (p.line, p.col) == pos(text, "six")
    assert p.code == "field.type" and p.message.startswith("roster[3].capacity")


def test_out_of_range_points_at_the_value(tmp_path):
    text = edit(("  strength: 0.35", "  strength: 1.35"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert (p.line, p.col) == pos(text, "1.35")
    assert p.code == "field.range" and p.message.startswith("competitor.strength")


def test_bad_reference_in_a_mapping_points_at_the_key(tmp_path):
    text = edit(("needs: {technical: 0.8, selling: 0.2}", "needs: {technical: 0.8, seling: 0.2}"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert (p.line, p.col) == pos(text, "seling")
    assert p.code == "ref.unknown" and "'selling'" in p.hint


def test_bad_reference_in_a_list_points_at_the_item(tmp_path):
    text = edit(("members: [sam, kim]", "members: [sam, kym]"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert (p.line, p.col) == pos(text, "kym")
    assert p.code == "ref.unknown" and "'kim'" in p.hint


def test_undefined_id_without_a_close_match(tmp_path):
    text = edit(
        ("      competition: 0.1\n", "      competition: 0.1\n      unavailable: {zed: 1}\n")
    )
    _, problems = check(tmp_path, text)
    [p] = problems
    assert p.code == "ref.unknown" and p.hint == ""
    assert (p.line, p.col) == pos(text, "zed: 1")


def test_every_pydantic_error_is_reported_at_once(tmp_path):
    text = edit(
        ("  weeks: 8 ", "  weeks: 100 "),
        ("    capacity: 6\n", "    capacity: 0\n"),
        ("    buying_role: user", "    buying_role: usr"),
        ("    hours: 6\n", "    hours: six\n"),
    )
    _, problems = check(tmp_path, text)
    assert len(errors(problems)) == 4
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert sorted(p.code for p in problems) == [
        "field.enum",
        "field.range",
        "field.range",
        "field.type",
    ]
    assert "'user'" in problems[1].hint


def test_every_cross_reference_error_is_reported_at_once(tmp_path):
    text = edit(
        ("roles: [solution_consultant]", "roles: [solution_consultan]"),
        ("members: [sam, kim]", "members: [sam, kym]"),
        ("when: {week: 4}", "when: {week: 14}"),
    )
    _, problems = check(tmp_path, text)
    assert len(errors(problems)) == 3
    assert sorted(p.code for p in problems) == ["ref.unknown", "ref.unknown", "week.range"]


def test_field_and_cross_reference_errors_in_one_pass_in_file_order(tmp_path):
    text = edit(
        ("  weeks: 8 ", "  weeks: 100 "),
        ("members: [sam, kim]", "members: [sam, kym]"),
        ("    hours: 6\n", "    hours: six\n"),
        ("roles: [quarterback]\n", "roles: [quaterback]\n"),
    )
    _, problems = check(tmp_path, text)
    assert [p.code for p in problems] == ["field.range", "ref.unknown", "field.type", "ref.unknown"]
    assert [(p.line, p.col) for p in problems] == [
        pos(text, "100"),
        pos(text, "kym"),
        pos(text, "six"),
        pos(text, "quaterback"),
    ]


def test_a_bad_entry_raises_no_false_alarm_about_its_whole_list(tmp_path):
    """A role that fails its fields is not counted, so no 'no quarterback' error follows;
    a stakeholder that fails is not counted, so no influence-sum error follows."""
    text = edit(
        (
            "    quarterback: true\n    needs: {selling: 0.8, executive: 0.2}   # skill -> weight, "
            "for role fit\n    min: 1\n",
            "    quarterback: true\n    needs: {selling: 0.8, executive: 0.2}\n    min: one\n",
        ),
        ("    influence: 0.5\n", "    influence: lots\n"),
        ("members: [sam, kim]", "members: [sam, kym]"),
    )
    _, problems = check(tmp_path, text)
    assert sorted(p.code for p in problems) == ["field.type", "field.type", "ref.unknown"]


def test_references_to_a_list_that_cannot_be_read_are_not_called_unknown(tmp_path):
    text = edit(("skills:\n  - id: selling\n", "skills:\n  - ids: selling\n"))
    _, problems = check(tmp_path, text)
    assert sorted(p.code for p in problems) == ["field.missing", "field.unknown"]


def test_no_break_space_is_named_at_its_own_line(tmp_path):
    text = edit(("  name: ShelfWise\n", "  name:\u00a0ShelfWise\n"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert p.code == "yaml.invisible" and "U+00A0" in p.message
    assert (p.line, p.col) == pos(text, "\u00a0")


def test_no_break_space_in_a_key_is_named(tmp_path):
    text = edit(("    bio: Cheap and keen", "    bio\u00a0: Cheap and keen"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert p.code == "field.unknown" and "U+00A0" in p.hint
    assert "\u00a0" not in str(p)  # escaped, so the line shows where it is


def test_look_alike_letter_in_an_id_is_named(tmp_path):
    cyrillic_o = "\u043e"
    text = edit(("  - id: cfo\n", f"  - id: cf{cyrillic_o}\n"))
    _, problems = check(tmp_path, text)
    bad = [p for p in problems if p.code == "field.id"]
    assert len(bad) == 1 and "U+043E" in bad[0].hint and "'o'" in bad[0].hint
    # the plain references to 'cfo' are unknown now, and say why
    refs = [p for p in problems if p.code == "ref.unknown"]
    assert refs and all("U+043E" in p.hint for p in refs)


def test_look_alike_letter_in_a_reference_is_named(tmp_path):
    text = edit(("members: [sam, kim]", "members: [sam, k\u0456m]"))
    [p] = check(tmp_path, text)[1]
    assert p.code == "ref.unknown" and "U+0456" in p.hint and "did you mean 'kim'" in p.hint


def test_block_structure_error_gets_an_indentation_hint(tmp_path):
    text = edit(("    title: Head of IT\n", "     title: Head of IT\n"))
    [p] = check(tmp_path, text)[1]
    assert p.code == "yaml.syntax"
    line = pos(text, "     title")[0]
    assert p.line == line
    assert f"line {line} starts in column 6" in p.hint and f"column 5 (line {line - 1})" in p.hint


def test_consistent_indentation_gets_no_indentation_hint(tmp_path):
    text = edit(("  name: ShelfWise\n", "  name: ShelfWise: the cheap one\n"))
    [p] = check(tmp_path, text)[1]
    assert p.code == "yaml.syntax" and p.hint == ""


def test_key_dedented_out_of_effects_is_told_where_it_belongs(tmp_path):
    text = edit(
        (
            "      progress: {solution_agreed: 1.5}\n      competition: -0.03\n",
            "      competition: -0.03\n    progress: {solution_agreed: 1.5}\n",
        )
    )
    [p] = check(tmp_path, text)[1]
    assert p.code == "field.unknown" and (p.line, p.col) == pos(text, "progress: {solution")
    assert "did you mean" not in p.hint and "effects" in p.hint


def test_key_indented_into_effects_is_told_to_move_out(tmp_path):
    text = edit(("      competition: -0.03\n", "      competition: -0.03\n      hours: 2\n"))
    [p] = check(tmp_path, text)[1]
    assert p.code == "field.unknown" and "move it out" in p.hint


def test_unclosed_flow_mapping_points_at_its_opening_brace(tmp_path):
    text = edit(("needs: {technical: 0.8, selling: 0.2}", "needs: {technical: 0.8, selling: 0.2"))
    [p] = check(tmp_path, text)[1]
    assert p.code == "yaml.syntax" and (p.line, p.col) == pos(text, "{technical: 0.8")


def test_a_closed_flow_mapping_keeps_the_parser_position(tmp_path):
    text = edit(("needs: {technical: 0.8, selling: 0.2}", "needs: {technical: 0.8 selling: 0.2}"))
    [p] = check(tmp_path, text)[1]
    assert p.code == "yaml.syntax" and p.line == pos(text, "{technical: 0.8")[0]
    assert p.col > pos(text, "{technical: 0.8")[1]


def test_aliased_content_points_at_each_alias_use(tmp_path):
    sam = "{selling: 0.8, technical: 0.3, executive: 0.4}"
    text = edit(
        (f"    skills: {sam}", f"    skills: &sk {sam}"),
        ("    skills: {selling: 0.4, technical: 0.2, executive: 0.1}", "    skills: *sk"),
    )
    path, problems = check(tmp_path, text)
    assert problems == []
    s = load_scenario(path)
    assert s.roster[2].skills == s.roster[0].skills
    bad = text.replace("&sk {selling:", "&sk {seling:")
    _, problems = check(tmp_path, bad)
    # the original at its key, the use once at the alias; its hint names the anchor
    assert [(p.line, p.col) for p in problems] == [pos(bad, "seling"), pos(bad, "*sk")]
    assert [p.code for p in problems] == ["ref.unknown", "ref.unknown"]
    anchor_line = pos(bad, "&sk")[0]
    assert f"line {anchor_line}" in problems[1].hint and "&sk" in problems[1].hint


def test_error_in_merged_content_points_at_each_merge(tmp_path):
    text = "base: &b {hours: 0}\nx:\n  <<: *b\ny:\n  <<: *b\n"
    src = read_yaml(tmp_path / "m.yaml", raw=text.encode())
    assert src.where(("x", "hours")) == (3, 7)
    assert src.where(("y", "hours")) == (5, 7)
    assert "line 1" in src.anchor_hint(("y", "hours"))


def test_merge_keys(tmp_path):
    data = read_yaml(tmp_path / "m.yaml", raw=b"base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n").data
    assert data == {"base": {"a": 1, "b": 2}, "x": {"a": 1, "b": 3}}


def test_keys_keep_their_yaml_types_and_positions(tmp_path):
    src = read_yaml(tmp_path / "p.yaml", raw=b"weeks:\n  1: [a]\n  2: [b]\n")
    assert src.data == {"weeks": {1: ["a"], 2: ["b"]}}
    assert src.where(("weeks", "2", 0)) == (3, 7)
    assert src.where(("weeks", 2, 0)) == (3, 7)
    assert src.where(("weeks", 2), key=True) == (3, 3)


def test_unquoted_yes_gets_a_hint(tmp_path):
    text = edit(("  name: ShelfWise\n", "  name: yes\n"))
    _, problems = check(tmp_path, text)
    [p] = problems
    assert p.code == "field.type" and "quotes" in p.message
    assert (p.line, p.col) == pos(text, "yes")


def test_dates_stay_text(tmp_path):
    assert read_yaml(tmp_path / "d.yaml", raw=b"a: 2024-01-01\n").data == {"a": "2024-01-01"}


# -- hostile files --------------------------------------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
    for i in range(8)
)
MERGE_BOMB = "a0: &a0 {k: 1}\n" + "".join(
    f"a{i}: &a{i}\n  <<: [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)
)
HOSTILE = [
    ("alias_bomb", BOMB, "yaml.alias-bomb"),
    ("merge_bomb", MERGE_BOMB, "yaml.alias-bomb"),
    ("recursive_alias", "a: &a [1, *a]\n", "yaml.alias"),
    ("alias_before_anchor", "a: *b\nb: &b 1\n", "yaml.alias"),
    ("deep_flow", "[" * 10_000, "yaml.too-deep"),
    ("deep_flow_1001", "[" * 1_001, "yaml.too-deep"),
    ("deep_balanced", "[" * 10_000 + "]" * 10_000, "yaml.too-deep"),
    ("deep_mapping", "{a: " * 5_000 + "}" * 5_000, "yaml.too-deep"),
    ("deep_block", "".join(" " * i + "- \n" for i in range(200)), "yaml.too-deep"),
    ("binary", bytes(range(256)) * 4, "file.binary"),
    ("binary_no_nul", bytes(range(128, 256)) * 4, "file.encoding"),
    ("utf16_bom", "id: x\n".encode("utf-16"), "file.encoding"),
    ("utf16_no_bom", "id: x\ntitle: y\n".encode("utf-16-le"), "file.encoding"),
    ("utf32", "id: x\n".encode("utf-32"), "file.encoding"),
    ("latin1", "id: x\nname: café\n".encode("latin-1"), "file.encoding"),
    ("duplicate_key", "id: a\nid: b\n", "yaml.duplicate-key"),
    ("python_object", "id: !!python/object:os.system {}\n", "yaml.tag"),
    ("python_apply", "id: !!python/object/apply:os.system [ls]\n", "yaml.tag"),
    ("python_name", "id: !!python/name:os.system\n", "yaml.tag"),
    ("binary_tag", "id: !!binary aGVsbG8=\n", "yaml.tag"),
    ("set_tag", "id: !!set {a, b}\n", "yaml.tag"),
    ("top_level_list", "- a\n- b\n", "field.not-mapping"),
    ("top_level_scalar", "hello\n", "field.not-mapping"),
    ("top_level_null", "~\n", "field.not-mapping"),
    ("empty", "", "yaml.empty"),
    ("only_comments", "# nothing here\n", "yaml.empty"),
    ("two_documents", "id: a\n---\nid: b\n", "yaml.multi-doc"),
    ("control_char", "id: a\x07b\n", "yaml.char"),
    ("huge_int", "id: " + "9" * 5000 + "\n", "yaml.bad-scalar"),
    ("tabs", "id: a\n\ttitle: b\n", "yaml.syntax"),
    ("unclosed_flow", "id: [a, b\n", "yaml.syntax"),
    ("complex_key", "? [a]\n: 1\n", "yaml.key"),
    ("alias_key", "a: &x k\n*x : 1\n", "yaml.key"),
]
# Where the problem is, when it is not simply line 1 (None: any column on that line).
WHERE = {
    "alias_bomb": (6, 20),
    "merge_bomb": (13, 13),
    "unclosed_flow": (1, 5),
    "alias_key": (2, 1),
    "duplicate_key": (2, 1),
    "two_documents": (2, 1),
    "tabs": (2, None),
    "latin1": (2, 10),
    "control_char": (1, 6),
    "deep_block": (41, None),
}


@pytest.fixture(params=["libyaml", "python"])
def parser(request, monkeypatch):
    """Run a test with libyaml's C parser and with PyYAML's pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(yamlsource, "SafeLoader", yaml.SafeLoader)
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    return request.param


@pytest.mark.parametrize("name,content,code", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_gives_one_clear_error(tmp_path, parser, name, content, code):
    path, problems = check(tmp_path, content)
    assert len(problems) == 1, problems
    [p] = problems
    assert (p.severity, p.code) == ("error", code), p
    line, col = WHERE.get(name, (1, None))
    assert p.line == line and (col is None or p.col == col), p
    assert "\n" not in str(p) and f"error[{code}]" in str(p)
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    assert exc.value.codes == [code]


def test_too_deep_reads_the_same_from_either_parser(tmp_path, monkeypatch):
    """libyaml gives up on a long line of '[' in its own words; the guard's message stands."""
    _, [c] = check(tmp_path, "[" * 10_000)
    monkeypatch.setattr(yamlsource, "SafeLoader", yaml.SafeLoader)
    _, [py] = check(tmp_path, "[" * 10_000)
    assert (c.code, c.message, c.line) == (py.code, py.message, py.line)


def test_a_bracket_in_quotes_is_not_nesting(tmp_path):
    text = "a: '" + "[" * 60 + "'\nb: [1, 2\n"
    _, [p] = check(tmp_path, text)
    assert p.code == "yaml.syntax"


def test_oversized_file(tmp_path):
    _, problems = check(tmp_path, "a: " + "x" * yamlsource.MAX_BYTES + "\n")
    [p] = problems
    assert p.code == "file.too-large"


def test_billion_laughs_is_rejected_fast(tmp_path):
    laughs = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 10)
    )
    start = time.perf_counter()
    _, problems = check(tmp_path, laughs)
    assert time.perf_counter() - start < 1.0
    assert problems[0].code == "yaml.alias-bomb"


def test_modest_aliases_are_fine(tmp_path):
    src = read_yaml(tmp_path / "a.yaml", raw=b"a: &a [1, 2]\nb: [*a, *a, *a]\n")
    assert src.data == {"a": [1, 2], "b": [[1, 2]] * 3}


def test_very_deep_nesting_does_not_crash_the_interpreter(tmp_path):
    """libyaml's own composer recurses in C and segfaults here; the loader must not."""
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 1_000_000 + "]" * 900_000)
    code = (
        "import sys; from engine.loader import validate_file; "
        "print(validate_file(sys.argv[1])[0].code)"
    )
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "yaml.too-deep"
    assert time.perf_counter() - start < 10


def test_unreadable_path(tmp_path):
    [p] = validate_file(tmp_path / "missing.yaml")
    assert p.code == "file.read"


def test_no_break_space_inside_text_is_not_blamed_for_a_nearby_error(tmp_path):
    text = edit(
        ("    title: Head of IT\n", "    title: Head of\u00a0IT\u00a0\n"),
        ("    buying_role: technical\n", "     buying_role: technical\n"),
    )
    [p] = check(tmp_path, text)[1]
    assert p.code == "yaml.syntax" and "indentation" in p.hint

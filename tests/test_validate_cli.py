"""`dealcraft validate`: one line per problem, exit 0 / 1 / 2, never a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.scaffold import render

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<sev>error|warning)\[(?P<code>[a-z]+\.[a-z-]+)\]: \S.*$"
)
GOOD = render(Path("good.yaml"))


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_valid_file_exits_0(tmp_path, capsys):
    path = write(tmp_path, "good.yaml", GOOD)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "1 file(s) checked: 0 error(s), 0 warning(s)" in err


def test_shipped_scenarios_folder_is_valid(capsys):
    assert main(["validate", str(ROOT / "scenarios")]) == 0
    out, _ = capsys.readouterr()
    assert out == ""


def test_folder_reports_every_problem_in_every_file(tmp_path, capsys):
    write(tmp_path, "good.yaml", GOOD)
    write(tmp_path, "typo.yaml", GOOD.replace("members: [sam, kim]", "members: [sam, kym]"))
    sub = tmp_path / "more"
    sub.mkdir()
    write(sub, "weeks.yml", GOOD.replace("weeks: 8 ", "weeks: 99 ").replace("hours: 6", "hours: 0"))
    write(tmp_path, "notes.txt", "not a scenario")
    assert main(["validate", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    assert all(LINE.match(line) for line in lines)
    assert {Path(LINE.match(line)["path"]).name for line in lines} == {"typo.yaml", "weeks.yml"}
    assert "(did you mean 'kim'?)" in out
    assert sorted(LINE.match(line)["code"] for line in lines) == [
        "field.range",
        "field.range",
        "ref.unknown",
    ]
    assert "3 file(s) checked: 3 error(s), 0 warning(s)" in err


def test_several_paths(tmp_path, capsys):
    a = write(tmp_path, "a.yaml", GOOD.replace("  weeks: 8 ", "  weeks: 1 "))
    b = write(tmp_path, "b.yaml", b"\x00\x01")
    assert main(["validate", str(a), str(b)]) == 1
    out, _ = capsys.readouterr()
    assert [LINE.match(line)["path"] for line in out.splitlines()] == [str(a), str(b)]


def test_warnings_alone_exit_0(tmp_path, capsys):
    text = GOOD.replace("    name: Executive presence\n", "    name: Executive presence\n"
                        "  - id: golf\n    name: Golf\n")  # fmt: skip
    path = write(tmp_path, "w.yaml", text)
    assert main(["validate", str(path)]) == 0
    out, _ = capsys.readouterr()
    [line] = out.splitlines()
    assert LINE.match(line)["sev"] == "warning"
    assert LINE.match(line)["code"] == "lint.unused"


def test_missing_file_is_an_error_not_a_crash(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    out, _ = capsys.readouterr()
    assert LINE.match(out.strip())["code"] == "file.read"


def test_empty_folder(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 1
    _, err = capsys.readouterr()
    assert "no scenario files" in err


@pytest.mark.parametrize("argv", [["validate"], ["validate", "--bogus", "x.yaml"]])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_real_command_never_prints_a_traceback(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(8)
    )
    files = [
        write(tmp_path, "bomb.yaml", bomb),
        write(tmp_path, "deep.yaml", "[" * 200_000),
        write(tmp_path, "python.yaml", "id: !!python/object/apply:os.system [echo hi]\n"),
        write(tmp_path, "utf16.yaml", GOOD.encode("utf-16")),
        write(tmp_path, "latin1.yaml", "id: café\n".encode("latin-1")),
        write(tmp_path, "list.yaml", "- 1\n"),
        write(tmp_path, "empty.yaml", b""),
    ]
    run = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "validate", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == len(files)
    codes = [LINE.match(line)["code"] for line in lines]
    assert codes == [
        "yaml.alias-bomb",
        "yaml.too-deep",
        "yaml.tag",
        "file.encoding",
        "file.encoding",
        "field.not-mapping",
        "yaml.empty",
    ]


def test_one_run_reports_field_and_cross_reference_errors_in_file_order(tmp_path, capsys):
    text = GOOD.replace("members: [sam, kim]", "members: [sam, kym]").replace(
        "    hours: 6\n", "    hours: six\n"
    )
    text = text.replace("  weeks: 8 ", "  weeks: 99 ")
    path = write(tmp_path, "three.yaml", text)
    assert main(["validate", str(path)]) == 1
    found = [LINE.match(line) for line in capsys.readouterr().out.splitlines()]
    assert [m["code"] for m in found] == ["field.range", "ref.unknown", "field.type"]
    assert [int(m["line"]) for m in found] == sorted(int(m["line"]) for m in found)


def test_json_format_gives_the_problems_as_objects(tmp_path, capsys):
    bad = write(tmp_path, "bad.yaml", GOOD.replace("members: [sam, kim]", "members: [sam, kym]"))
    warned = write(
        tmp_path, "warned.yaml", GOOD.replace("    influence: 0.5\n", "    influence: 0.7\n")
        .replace("    influence: 0.2\n", "    influence: 0\n"),
    )  # fmt: skip
    assert main(["validate", "--format", "json", str(bad), str(warned)]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert (report["files"], report["errors"], report["warnings"]) == (2, 1, 1)
    first, second = report["problems"]
    assert set(first) == {"path", "line", "col", "severity", "code", "message", "hint"}
    assert (first["path"], first["severity"], first["code"]) == (str(bad), "error", "ref.unknown")
    assert first["hint"] == "did you mean 'kim'?" and "did you mean" not in first["message"]
    assert (second["severity"], second["code"]) == ("warning", "lint.no-influence")
    assert isinstance(first["line"], int) and isinstance(first["col"], int)
    assert "2 file(s) checked" in err


def test_json_format_of_a_clean_file_exits_0(tmp_path, capsys):
    path = write(tmp_path, "good.yaml", GOOD)
    assert main(["validate", "--format", "json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["problems"] == []


def test_unknown_format_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--format", "xml", str(tmp_path)])
    assert exc.value.code == 2

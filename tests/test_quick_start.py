"""docs/scenario-format.md's quick start, run as written: every command of the designer's
loop (new, edit, validate, timeline, balance, balance --against, recorder, run --seeds and
play --warp in a real terminal) succeeds in a fresh folder."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.docgen import QUICK_EDIT

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "scenario-format.md"

pytestmark = pytest.mark.slow


def quick_start() -> list[str]:
    text = DOC.read_text()
    block = text.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def edit(path: Path) -> None:
    """What the quick start asks of $EDITOR: the example event, under `events:`."""
    text = path.read_text()
    head, tail = text.split("\nfacilitator:", 1)
    path.write_text(head.rstrip("\n") + "\n" + QUICK_EDIT + "\nfacilitator:" + tail)


def test_the_quick_start_runs_as_written(tmp_path):
    env = os.environ | {"DEALCRAFT_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    lines = quick_start()
    assert lines[0].startswith("dealcraft new") and "--warp" in lines[-1]
    outputs = {}
    for line in lines:
        words = shlex.split(line.split(">")[0])
        if words[0] == "cp":
            shutil.copy(tmp_path / words[1], tmp_path / words[2])
            continue
        if words[0] == "$EDITOR":
            edit(tmp_path / words[1])
            continue
        if words[:2] == ["dealcraft", "play"]:
            play_warp(tmp_path, env, words[2:])
            continue
        argv = [sys.executable, "-m", "simulator.cli", *words[1:]]
        if words[0] == "python":
            argv = [sys.executable, *words[1:]]
        out = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert out.returncode == 0, (line, out.stderr)
        if ">" in line:
            (tmp_path / line.split(">")[1].split()[0]).write_text(out.stdout)
        outputs[" ".join(words[:3])] = out.stdout + out.stderr
    assert "0 error(s), 0 warning(s)" in outputs["dealcraft validate acme_deal.yaml"]
    assert "The plan drifts" in outputs["dealcraft timeline acme_deal.yaml"]
    diff = next(
        v for k, v in outputs.items() if k.startswith("dealcraft balance") and "Balance diff" in v
    )
    assert "Moved:" in diff and "lesson rhythm" in diff


def play_warp(tmp_path: Path, env: dict, args: list[str]) -> None:
    """`dealcraft play ... --warp 4` in tmux: the game opens on week 4."""
    if shutil.which("tmux") is None:
        pytest.skip("needs tmux")
    name = f"dealcraft-qs-{os.getpid()}"
    sock = ["tmux", "-L", name, "-f", os.devnull]
    cmd = " ".join(
        [f"cd {shlex.quote(str(tmp_path))} &&", "env"]
        + [f"{k}={shlex.quote(env[k])}" for k in ("DEALCRAFT_HOME", "PYTHONPATH")]
        + ["TERM=xterm-256color", sys.executable, "-m", "simulator.cli", "play", *args]
    )
    subprocess.run(
        [*sock, "new-session", "-d", "-s", name, "-x", "110", "-y", "34", cmd], check=True
    )
    try:
        import time

        end = time.monotonic() + 30
        screen = ""
        while time.monotonic() < end:
            screen = subprocess.run(
                [*sock, "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if "week 4 of 8" in screen:
                break
            time.sleep(0.2)
        assert "week 4 of 8" in screen, screen
    finally:
        subprocess.run([*sock, "kill-server"], capture_output=True)

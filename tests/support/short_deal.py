"""A short deal for the many-player tests: northwind-new-logo cut to a few weeks (every
week reference clamped into them), and the expert bot's whole game in it, so a test
plays full games through the server in a third of the decisions."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "scenarios" / "northwind_new_logo.yaml"


def _clamp(data: dict, weeks: int) -> None:
    data["id"] = f"{data['id']}-short"
    data["deal"]["weeks"] = weeks
    for s in data.get("stakeholders", []):
        if "joins_week" in s:
            s["joins_week"] = min(s["joins_week"], weeks)
    for m in data.get("milestones", []):
        m["target_week"] = min(m["target_week"], weeks)
    for e in data.get("events", []):
        when = e.get("when") or {}
        if "week" in when:
            when["week"] = min(when["week"], weeks)
        if "window" in when:
            a, b = when["window"]
            when["window"] = [min(a, weeks), min(b, weeks)]


def short_deal(folder: Path, weeks: int = 3) -> Path:
    """The short scenario's file, written into `folder`."""
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    _clamp(data, weeks)
    path = folder / "short_deal.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def bot_game(path: Path, seed: int) -> list:
    """The expert bot's decisions for a whole game of the scenario at `path`."""
    from engine.loader import load_scenario
    from simulator.workshop.scripted import play_bot

    state = play_bot(load_scenario(path), seed, "expert", {})
    assert state.is_over()
    return list(state.history)

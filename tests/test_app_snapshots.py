"""SVG snapshots of every screen at 80x24 and 120x36 (pytest-textual-snapshot), and a
check over those snapshots that no text on any screen is cut mid-word.

Games are set up headless through the session (the same decisions the player keys in),
so each snapshot only drives the keys that reach its screen. Update the snapshots
after an intended change with `pytest tests/test_app_snapshots.py --snapshot-update`
and look at them (README shows some) before committing.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from support.app import SEED, finished, make_app, northwind_game

from engine.loader import find_scenario

pytestmark = pytest.mark.usefixtures("fast_pilot")

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_app_snapshots"


async def quiet(pilot) -> None:
    """Let background work (the coach's replays) finish, and drop toasts so a snapshot
    never depends on how long one stayed up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def keys(*pressed: str):
    async def go(pilot):
        await pilot.press(*pressed)
        await quiet(pilot)

    return go


async def open_timeline(pilot) -> None:
    """The timeline of the deal in play, as the palette's "Scenario timeline" opens it."""
    pilot.app.action_timeline()
    await quiet(pilot)


def picker_app(monkeypatch, tmp_path):
    import shutil

    import simulator.screens.picker as picker

    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(find_scenario("northwind_new_logo").source, library)
    monkeypatch.setattr(picker, "builtin_folder", lambda: library)  # new scenarios: no churn
    return make_app()


def progress_app(monkeypatch, tmp_path):
    from simulator import progress
    from simulator.saves import home_dir

    progress.record(finished().state, home_dir())
    return make_app()


def harbor_app(monkeypatch, tmp_path):
    """Harbor at week 4, with Dr. Alan Ferris's request open: the longest names shipped."""
    from engine.plan import parse_plan, play_plan
    from simulator.saves import Session

    scenario = find_scenario("harbor_cross_sell")
    state = play_plan(scenario, parse_plan(ROOT / "plans" / "harbor_cross_sell.plan.yaml"), until=4)
    return make_app(Session.new(scenario, state.seed, save=False, state=state))


# name -> (the app, the keys that reach the screen)
SCREENS = {
    "picker": (picker_app, quiet),
    "briefing": (
        lambda mp, tmp: make_app(scenario=find_scenario("northwind_new_logo"), seed=SEED),
        quiet,
    ),
    "staffing": (lambda mp, tmp: make_app(northwind_game("team")), quiet),
    "connections": (lambda mp, tmp: make_app(northwind_game("connected")), keys("n")),
    "plan": (lambda mp, tmp: make_app(northwind_game("planned")), keys("n", "n")),
    "week_view": (lambda mp, tmp: make_app(northwind_game(weeks=4)), quiet),
    "harbor_week": (harbor_app, quiet),
    "schedule_dialog": (lambda mp, tmp: make_app(northwind_game(weeks=2)), keys("a")),
    "week_report": (lambda mp, tmp: make_app(northwind_game(weeks=3)), keys("w")),
    "team_side": (lambda mp, tmp: make_app(northwind_game(weeks=2)), keys("t")),
    "debrief": (lambda mp, tmp: make_app(finished()), quiet),
    "debrief_explain": (lambda mp, tmp: make_app(finished()), keys("down", "down", "enter")),
    "help": (lambda mp, tmp: make_app(northwind_game(weeks=1)), keys("f1")),
    "progress": (progress_app, keys("g")),
    "palette": (lambda mp, tmp: make_app(northwind_game(weeks=1)), keys("ctrl+p")),
    "timeline": (lambda mp, tmp: make_app(northwind_game(weeks=1)), open_timeline),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(screen, size, home, snap_compare, monkeypatch, tmp_path):
    factory, run_before = SCREENS[screen]
    app = factory(monkeypatch, tmp_path)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


# ---- no text cut mid-word ---------------------------------------------------------------------


def svg_lines(path: Path) -> list[str]:
    """The terminal's lines as drawn in a Textual SVG snapshot."""
    svg = path.read_text()
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(
        r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg
    ):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text)))
    return [
        "".join(t for _, t in sorted(parts)).replace("\xa0", " ")
        for _, parts in sorted(rows.items())
    ]


def vocabulary() -> set[str]:
    """Every word the game can show: the shipped scenarios and the app's own text."""
    text = "".join(p.read_text() for p in (ROOT / "scenarios").glob("*.yaml"))
    text += "".join(p.read_text() for p in (ROOT / "simulator").rglob("*.py"))
    text += "".join(p.read_text() for p in (ROOT / "engine").rglob("*.py"))
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", text)}


WORDS = vocabulary()


def cut_words(line: str, words: set[str] | None = None) -> list[str]:
    """Words on `line` that stop at a panel edge or column end (space, border, line end)
    and are the start of a longer word but not a word themselves (initials such as a
    role's "FAS" are abbreviations, not cuts)."""
    vocab = words or WORDS
    out = []
    for m in re.finditer(r"[A-Za-z][A-Za-z'’-]*(?=[\s│┃|▏▕▌▐┤├╸╺]|$)", line):
        w = m.group().lower()
        if len(w) < 3 or w in vocab or m.group().isupper() or line[m.end() : m.end() + 1] == "…":
            continue
        if any(v.startswith(w) and len(v) > len(w) for v in vocab):
            out.append(m.group())
    return out


def test_no_screen_cuts_a_word():
    shots = sorted(SNAPSHOTS.glob("test_screen*.svg"))
    assert len(shots) == len(SCREENS) * len(SIZES)
    cuts = {}
    for shot in shots:
        for n, line in enumerate(svg_lines(shot)):
            found = cut_words(line)
            if found:
                cuts.setdefault(shot.stem, []).append((n, found, line.strip()))
            assert not re.search(r"\bDr\.(?! [A-Z])", line), f"{shot.stem}: {line}"
    assert not cuts, "\n".join(f"{k}: {v}" for k, v in cuts.items())


def test_no_other_deals_snapshot_cuts_a_word():
    """The same check over every other snapshot: the other shipped deals' screens (the
    tutorial, Calder Water), the timeline and the workshop board."""
    shots = sorted(p for p in SNAPSHOTS.parent.rglob("*.svg") if p.parent != SNAPSHOTS)
    assert len(shots) >= 10
    # plus the words the tests themselves put on screen (the workshop's team names)
    given = "".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    words = WORDS | {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", given)}
    cuts = {}
    for shot in shots:
        for n, line in enumerate(svg_lines(shot)):
            found = cut_words(line, words)
            if found:
                cuts.setdefault(f"{shot.parent.name}/{shot.stem}", []).append((n, found, line))
            assert not re.search(r"\bDr\.(?! [A-Z])", line), f"{shot.stem}: {line}"
    assert not cuts, "\n".join(f"{k}: {v}" for k, v in cuts.items())

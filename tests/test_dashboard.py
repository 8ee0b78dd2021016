"""The week view's dashboard is honest: arrows follow the printed figures, past weeks keep
the figures the team saw then, and the charts sit on a fixed 0..100 scale."""

from __future__ import annotations

from support.app import finished

from engine.state import new_game
from simulator.widgets.charts import column
from simulator.widgets.dashboard import as_shown, scorecard, trend


def test_the_arrow_follows_the_figures_as_printed():
    assert trend([92.6, 92.1], "{:5.1f}") == "▼"
    assert trend([88.9, 89.2], "{:5.1f}") == "▲"
    assert trend([80.04, 80.01], "{:5.1f}") == "▶"  # both print as 80.0
    assert trend([0.1234, 0.1236], "{:5.0%}") == "▶"
    assert trend([0.5], "{:5.1f}") == ""


def test_past_weeks_keep_the_figures_shown_then():
    session = finished()
    state = session.state
    live = []
    replay = new_game(state.scenario, state.seed)
    for d in state.history:
        replay = replay.apply(d)
        if d.kind == "end_week":
            card = scorecard(replay)
            live.append((card["weekly"]["alignment"][-1], card["weekly"]["win_probability"][-1]))
    shown = as_shown(state, {})
    assert shown == [(float(a), float(w)) for a, w in live]
    now = scorecard(state)["weekly"]["alignment"]
    assert any(abs(a - b) > 1e-6 for (a, _), b in zip(shown, now, strict=True))


def test_a_week_is_worked_out_once():
    session = finished()
    known: dict = {}
    first = as_shown(session.state, known)
    known[1] = (-1.0, -1.0)
    assert as_shown(session.state, known)[0] == (-1.0, -1.0)
    assert as_shown(session.state, known)[1:] == first[1:]


def test_charts_use_a_fixed_scale():
    flat = {column(v, 2, 0) for v in (0.8, 0.8, 0.81)} | {column(v, 2, 1) for v in (0.8, 0.81)}
    assert len(flat) <= 3  # 80 and 81 look alike, not a cliff
    assert column(0.0, 2, 1) == " " and column(1.0, 2, 0) == "█"

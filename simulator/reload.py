"""Reload in place: the designer edits the scenario file while playing it.

`dealcraft play FILE --watch` (and the "Reload scenario" command, ctrl+r) reads the file
again when it is saved. A file with errors is shown in the game and the version being
played is kept. A valid new version gets the current game's decisions replayed on it as
far as they stay legal (engine.lenient.replay_prefix), in a new save naming the new
version (its content hash) and the save it came from; the designer is told how many
decisions replayed and, when it stopped, where and why. An unchanged file changes
nothing. Resuming a save whose scenario file has changed since offers the same replay
(`dealcraft play --resume SAVE`), where exact replay used to refuse; an unchanged
scenario still replays exactly, and workshop games never take this path.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from engine.lenient import Stop, replay_prefix
from engine.model import Scenario
from engine.problems import InputError
from simulator.saves import Session, WorkshopSession

POLL = 0.4  # seconds between looks at the file


@dataclass(frozen=True)
class Outcome:
    """What a reload did, in one line for the designer (`text`), and the new session."""

    session: Session | None
    text: str
    severity: str = "information"


def describe(stop: Stop | None, replayed: int, total: int) -> str:
    if stop is None:
        return f"replayed all {total} decision(s)"
    fields = stop.decision.to_dict()
    what = " ".join(
        [str(fields.pop("do", stop.decision.kind))]
        + [str(v) for v in fields.values() if v is not None and not isinstance(v, dict | list)]
    )
    where = f"week {stop.week}" if stop.week else "setup"
    return (
        f"replayed {replayed} of {total} decision(s); stopped at decision {stop.index + 1} "
        f"({what}, {where}): {stop.reason}"
    )


def replay_on(
    scenario: Scenario, seed: int, decisions, folder: Path | None, save: bool = True, **meta
) -> Outcome:
    """`decisions` (a game made on another version of `scenario`) replayed on it as far as
    they stay legal, as a new session (saved in `folder` unless `save` is False)."""
    state, n, stop = replay_prefix(scenario, decisions, seed)
    new = Session.new(
        scenario, seed, folder, save=save, state=state, **meta, replayed=f"{n} of {len(decisions)}"
    )
    return Outcome(new, describe(stop, n, len(decisions)), "warning" if stop else "information")


def reload(session: Session, path: Path) -> Outcome:
    """Read `path` again: the outcome for the game being played on it."""
    from engine.loader import load_scenario

    try:
        scenario = load_scenario(path)
    except InputError as exc:
        lines = [str(p) for p in exc.problems[:5]]
        more = len(exc.problems) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        return Outcome(None, "kept the version being played:\n" + "\n".join(lines), "error")
    except OSError as exc:
        return Outcome(None, f"cannot read {path}: {exc.strerror or exc}", "error")
    if scenario.content_hash == session.scenario.content_hash:
        return Outcome(None, f"{path.name}: no change to the scenario")
    if scenario.id != session.scenario.id:
        return Outcome(
            None,
            f"kept the version being played: {path.name} is now scenario "
            f"'{scenario.id}', not '{session.scenario.id}'",
            "error",
        )
    old = session.state
    return replay_on(
        scenario,
        old.seed,
        old.history,
        session.path.parent if session.path else None,
        save=session.path is not None,
        reloaded_from=str(session.path) if session.path else "",
        previous_version=session.scenario.content_hash,
    )


class Watcher:
    """Looks at one scenario file every POLL seconds and reloads the app's game when the
    file has changed and then held still for one look (an editor's save is complete)."""

    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        self.seen = self._stamp()
        self.pending: tuple | None = None

    def _stamp(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None  # mid-save (an editor renaming files): look again later
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def start(self, app) -> None:
        app.set_interval(POLL, lambda: self.tick(app))

    def tick(self, app) -> None:
        now = self._stamp()
        if now is None or now == self.seen:
            self.pending = None
            return
        if now != self.pending:  # changed: wait one look for the write to finish
            self.pending = now
            return
        self.seen, self.pending = now, None
        reload_now(app, self.path)


def reload_now(app, path: Path | None = None) -> None:
    """Reload the game's scenario file in the app and say what happened."""
    session = app.session
    if session is None:
        app.notify("Open a game first.", severity="warning")
        return
    if isinstance(session, WorkshopSession):
        app.notify("A workshop game keeps its scenario version.", severity="warning")
        return
    path = Path(path or session.scenario.source or "")
    if not path.is_file():
        app.notify("This game's scenario file is not known.", severity="warning")
        return
    out = reload(session, path)
    if out.session is not None:
        with contextlib.suppress(OSError):
            if session.path is not None:
                session.save()
        app.open_game(out.session)
        text = f"{path.name} (version {out.session.scenario.content_hash}): {out.text}"
        app.notify(text, title="Scenario reloaded", severity=out.severity, timeout=20, markup=False)
    else:
        app.notify(
            out.text, title="Scenario not reloaded", severity=out.severity, timeout=20, markup=False
        )


def changed_save(path: Path, extra_dirs=None) -> tuple | None:
    """(log, scenario) when the save at `path` was made on another version of the scenario
    file it names (still there, same id, new content), the replay to offer; else None."""
    from engine.loader import load_scenario
    from engine.log import load_save

    with contextlib.suppress(InputError, OSError):
        log = load_save(path).log
        where = log.meta.get("scenario_path")
        if where and Path(where).is_file():
            scenario = load_scenario(where)
            if scenario.id == log.scenario_id and scenario.content_hash != log.content_hash:
                return log, scenario
    return None


def offer_replay(app, save: Path, log, scenario: Scenario) -> None:
    """Ask whether to replay a save made on an older version onto the current one."""
    from simulator.screens.modals import ConfirmModal

    def answer(yes: bool | None) -> None:
        if not yes:
            app.notify("The save was left as it is.", markup=False)
            return
        out = replay_on(
            scenario,
            log.seed,
            log.decisions,
            save.parent,
            resumed_from=str(save),
            previous_version=log.content_hash,
        )
        app.open_game(out.session)
        app.notify(
            out.text,
            title="Replayed on the new version",
            severity=out.severity,
            timeout=20,
            markup=False,
        )

    app.push_screen(
        ConfirmModal(
            f"Scenario '{scenario.id}' has changed since this game was saved (version "
            f"{log.content_hash}, now {scenario.content_hash}).",
            "Replay its decisions on the new version as far as they stay legal? (a new save; "
            "n leaves the save as it is)",
        ),
        answer,
    )


def watch_hook(args, session: Session | None, scenario: Scenario | None, then=None):
    """The app's start hook for `play --watch`: watch the scenario file being played (and
    run `then`, another start hook, first)."""
    target = session.scenario if session is not None else scenario
    path = Path(target.source) if target is not None and target.source else None
    if path is None and getattr(args, "resume", None):
        found = changed_save(Path(args.resume))
        path = Path(found[1].source) if found else None

    def start(app) -> None:
        if then is not None:
            then(app)
        if path is not None and path.is_file():
            Watcher(path).start(app)
            app.notify(f"Watching {path.name}: save it to reload.", timeout=5, markup=False)

    return start

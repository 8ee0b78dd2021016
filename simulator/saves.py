"""Saved games: one append-only file per game, a record added and fsync'ed per decision.

A save is the game's log as JSON Lines (engine.savefile): a header record with the
scenario id, content hash, seed and a little metadata for the picker, then one record
per decision. A decision appends one line and fsyncs it, so it costs the same at
decision 10 and at decision 60,000; a write killed half-way leaves a torn last line,
which loading drops. A save is created (or rewritten: a branch, an old whole-file save
on its next decision) in one go: written to a temporary name, fsync'ed and moved into
place with os.replace. Saves live in the platform's user data folder, or in
$DEALCRAFT_HOME/saves when that variable is set (tests use it).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engine.limits import MAX_BYTES

if TYPE_CHECKING:  # the engine is imported lazily so the picker paints fast
    from engine.decisions import Decision
    from engine.model import Scenario
    from engine.state import GameState

ENV_HOME = "DEALCRAFT_HOME"


def home_dir() -> Path:
    """Dealcraft's data folder: $DEALCRAFT_HOME, else the platform's user data folder."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dealcraft", appauthor=False))


def saves_dir() -> Path:
    return home_dir() / "saves"


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash leaves the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def append_durable(path: Path, data: bytes, whole: int) -> None:
    """Append `data` to `path` and fsync it. The file is first cut back to `whole` bytes,
    dropping what an earlier failed write left half-written there."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        if os.fstat(fd).st_size != whole:
            os.ftruncate(fd, whole)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    """Whether process `pid` is still running (a zombie, killed but not yet reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc here: trust the signal check
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def lock_save(path: Path) -> None:
    """Claim `path` for this process with a lock file beside it (`NAME.lock`: pid and
    host), so a second window cannot write the same save and silently lose decisions.
    A lock left by a process that has ended is taken over; raises InputError (save.locked)
    naming who has the save open."""
    import socket

    from engine.problems import InputError

    lock = path.with_name(path.name + ".lock")
    me = f"{os.getpid()} {socket.gethostname()}"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                pid_text, _, host = lock.read_text(encoding="utf-8").partition(" ")
                pid = int(pid_text)
            except (OSError, ValueError):
                pid, host = 0, ""
            if f"{pid} {host.strip()}" == me:
                return  # ours already
            if host.strip() == socket.gethostname() and not _alive(pid):
                with contextlib.suppress(OSError):
                    lock.unlink()  # left by a game that has ended: take it over
                continue
            raise InputError.at(
                str(path),
                "save.locked",
                f"this game is open in another window (process {pid} on {host.strip() or '?'}); "
                "close it there first",
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(me)
        return


def unwritable(folder: Path) -> str | None:
    """Why games cannot be saved in `folder` (one line), or None when they can: the folder
    is made if need be and a scratch file written and removed there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe.", suffix=".tmp"):
            pass
    except OSError as exc:
        return cannot_save(exc)
    return None


def cannot_save(exc: OSError) -> str:
    """One line for a save that could not be written, naming why in the player's words."""
    why = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the saves folder is read-only",
        errno.EACCES: "no permission to write in the saves folder",
        errno.EPERM: "no permission to write in the saves folder",
        errno.EFBIG: f"the save has reached the size limit of {MAX_BYTES:,} bytes",
    }.get(exc.errno, exc.strerror or "the save could not be written")
    return f"cannot save the game: {why}"


def new_seed() -> int:
    """A fresh game's seed (secrets loads on the first new game, not with the picker)."""
    import secrets

    return secrets.randbelow(2**31)


def _stamp(t: float | None = None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


@dataclass
class SaveInfo:
    """What the picker shows about a save, read without replaying it."""

    path: Path
    scenario_id: str
    title: str
    seed: int
    week: int
    weeks: int
    phase: str
    updated: str
    decisions: int
    parent: str = ""
    damaged: str = ""  # why the file cannot be read, or "" for a good save

    @property
    def label(self) -> str:
        if self.damaged:
            return f"{self.path.name} — damaged: {self.damaged}"
        where = {"setup": "setup", "ended": "finished"}.get(self.phase, f"week {self.week}")
        return f"{self.title} — {where} (seed {self.seed})"


STALE_TMP_SECONDS = 600  # a write takes milliseconds; an older temp file is an orphan
MAX_SAVE_BYTES = MAX_BYTES  # the one size limit (engine.limits): no save is written past it
TRANSIENT = ("updated", "week", "phase", "weeks")  # an old save's meta, now read elsewhere


def _damaged(path: Path, why: str) -> SaveInfo:
    try:
        updated = _stamp(path.stat().st_mtime)
    except OSError:
        updated = ""
    return SaveInfo(path, "", path.name, 0, 0, 0, "damaged", updated, 0, damaged=why)


def _read_save(path: Path) -> dict:
    """A save's JSON, read within a fixed budget: at most MAX_SAVE_BYTES, and a file
    nested too deep for the parser (thousands of '[') is damaged, not a crash."""
    with path.open("rb") as f:
        raw = f.read(MAX_SAVE_BYTES + 1)
    if len(raw) > MAX_SAVE_BYTES:
        raise ValueError(f"over {MAX_SAVE_BYTES:,} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deep to be a game log") from None
    if not isinstance(data, dict):
        raise ValueError("not a game log")
    return data


def _info(f: Path) -> SaveInfo:
    """What the picker shows of save `f`, from its header and its last record (a whole-
    file save of the old format is read whole, within MAX_SAVE_BYTES)."""
    from engine.savefile import peek

    with f.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_SAVE_BYTES:
            raise ValueError(f"over {MAX_SAVE_BYTES:,} bytes")
        found = peek(fh)
    if found is None:
        return _old_info(f, _read_save(f))
    head, last = found
    meta = head.get("meta")
    if not isinstance(meta, dict):
        raise ValueError("not a game log")
    seed = head["seed"]
    if type(seed) is not int or not 0 <= seed < 2**64:
        raise ValueError("its seed is not a whole number from 0 to 2**64-1")
    return SaveInfo(
        path=f,
        scenario_id=str(head["scenario"]),
        title=str(meta.get("title", head["scenario"])),
        seed=seed,
        week=last["week"] if last else 0,
        weeks=int(meta.get("weeks", 0)),
        phase=last["phase"] if last else "setup",
        updated=_stamp(f.stat().st_mtime),
        decisions=last["n"] if last else 0,
        parent=str(meta.get("parent", "")),
    )


def _old_info(f: Path, data: dict) -> SaveInfo:
    """A whole-file save (dealcraft-log/1, before saves were appended to)."""
    meta = data.get("meta") or {}
    return SaveInfo(
        path=f,
        scenario_id=str(data["scenario"]),
        title=str(meta.get("title", data["scenario"])),
        seed=int(data["seed"]),
        week=int(meta.get("week", 0)),
        weeks=int(meta.get("weeks", 0)),
        phase=str(meta.get("phase", "setup")),
        updated=str(meta.get("updated", "")),
        decisions=len(data.get("decisions", [])),
        parent=str(meta.get("parent", "")),
    )


def list_saves(folder: Path | None = None) -> list[SaveInfo]:
    """Every save, most recently played first; a file that cannot be read is listed as
    damaged, with the reason, so one bad file never keeps the picker from opening. Each
    file costs a bounded read: its header and last record (see engine.savefile.peek)."""
    folder = folder or saves_dir()
    found = []
    if not folder.is_dir():
        return found
    stale = time.time() - STALE_TMP_SECONDS
    for tmp in folder.glob(".*.tmp"):  # left by a write killed half-way (see write_atomic)
        with contextlib.suppress(OSError):
            if tmp.stat().st_mtime < stale:
                tmp.unlink()
    for f in folder.glob("*.json"):
        try:
            found.append(_info(f))
        except OSError as exc:
            found.append(_damaged(f, exc.strerror or "cannot be read"))
        except UnicodeDecodeError:
            found.append(_damaged(f, "not UTF-8 text"))
        except json.JSONDecodeError as exc:
            found.append(_damaged(f, f"not valid JSON (line {exc.lineno})"))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            why = str(exc) if isinstance(exc, ValueError) and str(exc) else "not a game log"
            found.append(_damaged(f, why[:80]))
    found.sort(key=lambda s: (not s.damaged, s.updated, s.path.name), reverse=True)
    return found


@dataclass
class Session:
    """One game being played: the engine state plus the save it is written to.

    The engine owns the rules; the session only applies decisions and writes the
    log after each one. Screens read `state` and call `apply`.
    """

    state: GameState
    path: Path | None
    meta: dict = field(default_factory=dict)
    on_disk: int | None = field(default=None, repr=False)  # decisions in the save, if appendable
    whole: int = field(default=0, repr=False)  # its length in bytes up to the last whole record

    @classmethod
    def new(
        cls,
        scenario: Scenario,
        seed: int | None = None,
        folder: Path | None = None,
        save: bool = True,
        state: GameState | None = None,
        **meta,
    ) -> Session:
        """A new game (or `state`, a game already under way). Its save file is written with
        the first decision, so a game abandoned (or killed) before one leaves no file."""
        from engine.state import new_game

        seed = new_seed() if seed is None else int(seed)
        state = new_game(scenario, seed) if state is None else state
        path = None
        if save:
            folder = folder or saves_dir()
            stem = f"{scenario.id}-{time.strftime('%Y%m%d-%H%M%S')}-s{seed}"
            path = folder / f"{stem}.json"
            n = 1
            while path.exists():
                n += 1
                path = folder / f"{stem}-{n}.json"
        meta = {"title": scenario.title, "started": _stamp(), **meta}
        if scenario.source:
            meta.setdefault("scenario_path", str(Path(scenario.source).resolve()))
        session = cls(state, path, meta)
        if state.history:
            with contextlib.suppress(OSError):  # unwritable: the next decision tries again
                session.save()
        return session

    @classmethod
    def resume(cls, path: str | Path, extra_dirs: list[Path] | None = None) -> Session:
        """Load a save and replay it; raise InputError with a one-line reason when it is bad.
        A torn last record (a write cut short) is dropped; the next decision overwrites it."""
        from engine.log import load_save

        path = Path(path)
        saved = load_save(path)
        log = saved.log
        lock_save(path)
        where = log.meta.get("scenario_path")
        scenario = find_for_log(log.scenario_id, where, extra_dirs, log.content_hash)
        state = log.replay(scenario)
        meta = {k: v for k, v in log.meta.items() if k not in TRANSIENT}
        if not saved.appendable:  # an old whole-file save: rewritten as a new one when next saved
            return cls(state, path, meta)
        return cls(state, path, meta, len(log.decisions), saved.whole)

    @property
    def scenario(self) -> Scenario:
        return self.state.scenario

    def why_illegal(self, decision: Decision) -> str | None:
        return self.state.why_illegal(decision)

    def apply(self, decision: Decision) -> str | None:
        """Apply one decision and save at once; return the engine's reason if it is illegal
        (then nothing changes)."""
        from engine.decisions import IllegalDecision

        try:
            nxt = self.state.apply(decision)
        except IllegalDecision as exc:
            return str(exc)
        from engine.problems import InputError

        before, self.state = self.state, nxt
        try:
            self.save()
        except OSError as exc:  # disk full, read-only, no permission: the decision is refused
            self.state = before
            return f"{cannot_save(exc)}; the decision was not made (the next one tries again)"
        except InputError as exc:  # another window has this save open
            self.state = before
            return exc.problems[0].message
        return None

    def log(self):
        """The game's log, with the metadata its save's header carries."""
        from engine.log import GameLog

        return GameLog.of(self.state, **self.meta, weeks=self.scenario.deal.weeks)

    def save(self) -> Path | None:
        """Write the decisions not yet in the save: one appended record (fsync'ed) for the
        decision just made, or the whole file when there is none yet, the save is of the
        old whole-file format or the game is no longer a continuation of it. Raises
        OSError when it cannot be written (EFBIG past the size limit), and InputError
        (save.locked) when another window has the save."""
        if self.path is None:
            return None
        from engine.savefile import record

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_save(self.path)
        s, done = self.state, self.on_disk
        if done is not None and done + 1 == len(s.history) and self.path.exists():
            data = record(len(s.history), s.history[-1], s.week, s.phase).encode("utf-8")
            if self.whole + len(data) > MAX_BYTES:
                raise OSError(errno.EFBIG, "save size limit")
            append_durable(self.path, data, self.whole)
            self.on_disk, self.whole = len(s.history), self.whole + len(data)
        elif done != len(s.history) or not self.path.exists():
            text = self.log().to_save(s.week, s.phase)
            size = len(text.encode("utf-8"))
            if size > MAX_BYTES:
                raise OSError(errno.EFBIG, "save size limit")
            write_atomic(self.path, text)
            self.on_disk, self.whole = len(s.history), size
        return self.path

    def branch(self, upto: int, folder: Path | None = None) -> Session:
        """A new game replaying this one's first `upto` decisions, saved to its own file."""
        from engine.log import GameLog

        log = GameLog.of(self.state)
        state = GameLog(log.scenario_id, log.content_hash, log.seed, log.decisions[:upto]).replay(
            self.scenario
        )
        parent = str(self.path) if self.path else ""
        return Session.new(
            self.scenario,
            self.state.seed,
            folder or (self.path.parent if self.path else None),
            state=state,
            parent=parent,
            branched_at=upto,
        )


class WorkshopSession(Session):
    """A seat in a facilitator's workshop (`dealcraft play --join CODE --team NAME`).

    Every decision goes through the workshop's `TeamSession.step`, which honours pause
    and hold, folds in curveballs and appends to the session's store in one write: the
    store is the save, so a crashed player joins again and resumes where they were.
    """

    team: object = None

    @classmethod
    def join(cls, code: str, team_name: str, db: str | None = None) -> WorkshopSession:
        from simulator.workshop.session import join

        team = join(code, team_name, db=db)
        state = team.resume()
        meta = {"title": team.scenario.title, "workshop": team.code, "team": team.team}
        session = cls(state, None, meta)
        session.team = team
        return session

    def apply(self, decision: Decision) -> str | None:
        from engine.decisions import IllegalDecision
        from engine.problems import InputError

        try:
            self.state = self.team.step(self.state, decision)  # type: ignore[attr-defined]
        except IllegalDecision as exc:
            return str(exc)
        except InputError as exc:
            return exc.problems[0].message if exc.problems else str(exc)
        return None

    def save(self) -> Path | None:
        return None  # stored by step()

    def status_line(self) -> str:
        """'paused' / 'held at week N' from the facilitator, or '' (reads the store)."""
        info = self.team.status()  # type: ignore[attr-defined]
        return info.held_at(self.state.week) or ""


def find_for_log(
    scenario_id: str,
    scenario_path: str | None,
    extra_dirs: list[Path] | None = None,
    content_hash: str | None = None,
) -> Scenario:
    """The scenario a save was made for: by id among the shipped and extra scenarios,
    else at the path recorded in the save. The recorded file is tried first when it
    still holds that exact scenario (same id and content hash), which spares loading
    every scenario to find the id."""
    from engine.loader import find_scenario, load_scenario
    from engine.problems import InputError

    if content_hash and scenario_path and Path(scenario_path).is_file():
        with contextlib.suppress(InputError):
            s = load_scenario(scenario_path)
            if (s.id, s.content_hash) == (scenario_id, content_hash):
                return s
    try:
        return find_scenario(scenario_id, extra_dirs)
    except InputError:
        if scenario_path and Path(scenario_path).exists():
            return load_scenario(scenario_path)
        raise

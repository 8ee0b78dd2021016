"""Play N games of one scenario at once with arrays; one game is a batch of one.

`simulate` runs a policy over a batch and keeps what each game decided, so any
game can be exported as a decision log and replayed through the single-game
State with the same result, bit for bit.
"""

from __future__ import annotations

import ctypes
import gc
import pickle
from dataclasses import dataclass
from functools import cache

import numpy as np

from engine import rng, rules
from engine.bots import Policy, Setup, Week, _apply_setup, _apply_week_focus
from engine.compiled import CHECKLIST, Compiled, compile_scenario
from engine.decisions import Assign, Connect, Decision, EndWeek, Focus, Plan, Run, Staff, Start
from engine.model import Scenario


@dataclass(frozen=True)
class BatchResult:
    compiled: Compiled
    batch: rules.Batch
    setup: Setup
    weeks: list[Week]

    def trace(self) -> dict:
        return rules.trace(self.compiled, self.batch)

    def decisions(self, i: int) -> list[Decision]:
        """Game i's decisions in the order the single-game State would take them."""
        c, st = self.compiled, self.setup
        out: list[Decision] = []
        members = np.flatnonzero(st.staffed[i])
        for m in members:
            keep = len(CHECKLIST) - int(st.missing[i, m])
            out.append(Staff(c.members[m], CHECKLIST[:keep] if c.m_internal[m] else ()))
        for m in members:
            if st.role[i, m] >= 0:
                out.append(Assign(c.members[m], c.roles[st.role[i, m]]))
        for m, s in zip(*np.nonzero(st.conn[i]), strict=True):
            out.append(Connect(c.members[m], c.stakeholders[s]))
        out.append(Focus({d: float(v) for d, v in zip(c.dims, st.focus[i], strict=True)}))
        for ms in np.flatnonzero(st.owner[i] >= 0):
            out.append(
                Plan(
                    c.milestones[ms],
                    c.members[st.owner[i, ms]],
                    c.actions[st.action[i, ms]],
                    int(st.due[i, ms]),
                )
            )
        out.append(Start())
        ended = int(self.batch.ended[i]) or c.weeks
        for wk in self.weeks[:ended]:
            mv = wk.moves
            if mv is not None:
                for m in np.flatnonzero(mv.staff[i]):
                    keep = len(CHECKLIST) - int(mv.missing[i, m])
                    out.append(Staff(c.members[m], CHECKLIST[:keep] if c.m_internal[m] else ()))
                    if mv.role[i, m] >= 0:
                        out.append(Assign(c.members[m], c.roles[mv.role[i, m]]))
                for m, s in zip(*np.nonzero(mv.connect[i]), strict=True):
                    out.append(Connect(c.members[m], c.stakeholders[s]))
            if wk.refocus is not None and wk.refocus[i]:
                out.append(Focus({d: float(v) for d, v in zip(c.dims, wk.focus[i], strict=True)}))
            for k in np.flatnonzero(wk.g == i):
                s = int(wk.s[k])
                out.append(
                    Run(
                        c.actions[wk.a[k]],
                        c.members[wk.m[k]],
                        c.stakeholders[s] if s >= 0 else None,
                    )
                )
            out.append(EndWeek())
        return out


@cache
def _reuse_freed_memory() -> None:
    """Ask glibc to keep freed memory for reuse (once per process; nothing elsewhere).

    A batch allocates and frees many arrays of a few megabytes each week. By default glibc
    gives such blocks back to the kernel, and every reuse then costs a page fault per 4 KB:
    a third of week resolution on a virtual machine. 32 MB is glibc's largest threshold.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: serve blocks under 32 MB from the heap
    libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GB of freed heap


def _release_inherited_memory() -> None:
    """A forked worker's first step: give back the free memory the parent kept for reuse.
    The worker would otherwise reuse it page by page, each first write copying a page the
    parent still shares."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def simulate(scenario: Scenario | Compiled, seeds, policy: Policy) -> BatchResult:
    """Play one game per seed with `policy`, all at once."""
    _reuse_freed_memory()
    c = scenario if isinstance(scenario, Compiled) else compile_scenario(scenario)
    b = rules.new_batch(c, seeds)
    st = policy.setup(c, b)
    b = _apply_setup(c, b, st)
    b = rules.start_week(c, b, reuse=True)
    weeks: list[Week] = []
    for w in range(1, c.weeks + 1):  # only the latest Batch is kept: the steps may reuse
        wk = policy.week(c, b)  # the memory of arrays only they change (rules.owned)
        b = _apply_week_focus(c, b, wk)
        b = rules.resolve_week(c, b, wk.g, wk.a, wk.m, wk.s, reuse=True)
        weeks.append(wk)
        if w < c.weeks and (b.ended == 0).any():
            b = rules.start_week(c, b, reuse=True)
        elif w < c.weeks:
            break
    return BatchResult(c, b, st, weeks)


def warm_up(scenario: Scenario | Compiled) -> BatchResult:
    """Play one random game of `scenario`. This loads numba and the engine's compiled loops
    (from their cache; a machine's first run compiles them), so the first week a player
    ends does not wait for them. The caller may score the result's trace to load scoring's
    loops too."""
    from engine.bots import make_policy

    return simulate(scenario, np.zeros(1, np.uint64), make_policy("random", 0))


@dataclass(frozen=True, eq=False)
class Packed:
    """A scenario pickled once for all the chunks of a run: each job carries these bytes,
    and a worker unpickles them on its first chunk only (`unpack`), where pickling the
    scenario with every job cost a few milliseconds a chunk on both sides of the pipe."""

    data: bytes

    @classmethod
    def of(cls, scenario: Scenario) -> Packed:
        """The packed scenario; this process (and a worker it forks later) unpacks it as the
        very object given."""
        packed = cls(pickle.dumps(scenario, pickle.HIGHEST_PROTOCOL))
        _remember(packed.data, scenario)
        return packed


_UNPACKED: dict[bytes, Scenario] = {}  # this process's scenarios, by their pickled bytes


def _remember(data: bytes, scenario: Scenario) -> Scenario:
    if len(_UNPACKED) > 8:
        _UNPACKED.clear()
    _UNPACKED[data] = scenario
    return scenario


def unpack(scenario: Scenario | Packed) -> Scenario:
    """The scenario a job carries, the very same object for every chunk in this process (so
    compile_scenario finds its arrays at once)."""
    if not isinstance(scenario, Packed):
        return scenario
    found = _UNPACKED.get(scenario.data)
    return found if found is not None else _remember(scenario.data, pickle.loads(scenario.data))


def run_chunk(args):
    """One chunk of simulate_parallel. The cycle collector is paused meanwhile: the batch
    code makes no reference cycles, and its thousands of short-lived objects would
    otherwise trigger a collection every few hundred array operations."""
    scenario, seeds, policy_name, seed, reduce, evaluate = args
    from engine.bots import make_policy

    paused = gc.isenabled()
    gc.disable()
    try:
        policy = make_policy(policy_name, seed, evaluate=evaluate)
        return reduce(simulate(unpack(scenario), seeds, policy))
    finally:
        if paused:
            gc.enable()


def chunk_seeds(seed: int, n_chunks: int) -> list[int]:
    """The policy seed of each chunk of a `simulate_parallel` run with `seed`: independent
    streams from `numpy.random.SeedSequence(seed).spawn(n_chunks)` (see rng.spawn_seeds)."""
    return rng.spawn_seeds(seed, n_chunks)


def simulate_parallel(
    scenario: Scenario,
    seeds,
    policy_name: str,
    seed: int,
    reduce,
    evaluate=None,
    workers: int = 2,
    chunk: int = 5_000,
) -> dict[str, np.ndarray]:
    """Play the games in chunks across processes; `reduce(BatchResult) -> dict of (n,) arrays`
    keeps what the caller needs. Chunk k's policy seed is `chunk_seeds(seed, n)[k]`, so
    results depend only on the game seeds, the chunk size and the seed, never on the
    number of workers; any game replays alone from its game seed and its chunk's
    policy seed (`simulate(scenario, seeds[chunk k], make_policy(name, that seed))`)."""
    jobs = chunk_jobs(scenario, seeds, policy_name, seed, reduce, evaluate, chunk)
    if workers <= 1 or len(jobs) == 1:
        parts = [run_chunk(j) for j in jobs]
    else:
        with worker_pool(workers) as pool:
            parts = list(pool.map(run_chunk, jobs))
    return join_chunks(parts)


def chunk_jobs(scenario, seeds, policy_name, seed, reduce, evaluate=None, chunk=5_000) -> list:
    """The chunks of a `simulate_parallel` run, as arguments for `run_chunk`."""
    seeds = np.asarray(seeds, dtype=np.uint64)
    starts = range(0, len(seeds), chunk)
    policy_seeds = chunk_seeds(seed, len(starts))
    packed = Packed.of(scenario) if len(starts) > 1 else scenario
    return [
        (packed, seeds[i : i + chunk], policy_name, policy_seeds[k], reduce, evaluate)
        for k, i in enumerate(starts)
    ]


def worker_pool(workers: int):
    """A pool of forked worker processes for `run_chunk` jobs (one may serve many runs)."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    return ProcessPoolExecutor(
        workers, mp_context=get_context("fork"), initializer=_release_inherited_memory
    )


def join_chunks(parts: list[dict]) -> dict[str, np.ndarray]:
    """The chunks' results of one run, concatenated in chunk order."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

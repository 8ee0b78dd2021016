"""Benchmark: the scenario loader against bare `yaml.load` on a 5,000-line scenario.

Generates a large, valid scenario (every list near the model's limit, block-style
mappings, long multi-line text and many discussion questions), then times, in
the same run and best-of-N:

- baseline: ``yaml.load(text, Loader=yaml.CSafeLoader)`` (parse only),
- loader:   ``engine.loader.load_scenario`` (safe parse with positions and
  guards, pydantic validation, cross-reference checks and lint),

and prints both with their ratio. Target: the loader within 3x of the baseline.

    .venv/bin/python bench/bench_loader.py [--lines 5000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.loader import load_scenario, validate_file  # noqa: E402
from engine.yamlsource import read_yaml  # noqa: E402

TARGET_RATIO = 3.0
BUYING_ROLES = ("economic", "user", "technical", "coach")
WORDS = (
    "the team maps every stakeholder to a named owner and agrees the next step with a date "
    "before anyone leaves the room so that priorities stay visible and nobody is surprised"
).split()


def _text(seed: int, words: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)).capitalize()


def _block(indent: int, seed: int, lines: int) -> list[str]:
    pad = " " * indent
    return [pad + _text(seed + i, 11) for i in range(lines)]


def generate_scenario(target_lines: int = 5000) -> str:
    """A valid scenario of about `target_lines` lines, within every model limit."""
    dims = [f"dim{i}" for i in range(8)]
    skills = [f"skill{i}" for i in range(12)]
    roles = [f"role{i}" for i in range(12)]
    people = [f"stake{i}" for i in range(16)]
    roster = [f"member{i}" for i in range(30)]
    milestones = [f"milestone{i}" for i in range(12)]
    weeks = 40
    out = [
        "# yaml-language-server: $schema=../docs/scenario.schema.json",
        "id: bench-large",
        "title: A very large benchmark scenario",
        "summary: >-",
        *_block(2, 1, 3),
        "briefing: |",
        *_block(2, 2, 40),
        "difficulty: hard",
        "estimated_minutes: 90",
        "learning_objectives:",
        *[f"  - {_text(i, 9)}" for i in range(10)],
        "deal:",
        "  value: 2500000",
        "  currency: EUR",
        f"  weeks: {weeks}",
        "customer:",
        "  name: Benchmark Industries",
        "  industry: Manufacturing",
        "  description: |",
        *_block(4, 3, 20),
        "competitor:",
        "  name: Incumbent Systems",
        "  description: >-",
        *_block(4, 4, 6),
        "  strength: 0.5",
        "  momentum: 0.03",
        "dimensions:",
    ]
    for i, d in enumerate(dims):
        out += [f"  - id: {d}", f"    name: Dimension {i}", "    description: >-"]
        out += _block(6, i, 3)
    out.append("skills:")
    for i, s in enumerate(skills):
        out += [f"  - id: {s}", f"    name: Skill {i}", "    description: >-"]
        out += _block(6, i + 10, 2)
    out.append("roles:")
    for i, r in enumerate(roles):
        out += [f"  - id: {r}", f"    name: Role {i}", "    description: >-"]
        out += _block(6, i + 20, 3)
        if i == 0:
            out.append("    quarterback: true")
        out.append("    needs:")
        out += [f"      {skills[(i + k) % 12]}: {0.2 + 0.1 * k:.1f}" for k in range(3)]
        out += [f"    min: {1 if i < 2 else 0}", f"    max: {1 if i == 0 else 2}"]
    out.append("stakeholders:")
    present = people[:15]
    for i, p in enumerate(people):
        share = 0.08 if i < 10 else 0.04
        out += [
            f"  - id: {p}",
            f"    name: Stakeholder {i}",
            f"    title: Title {i}",
            f"    buying_role: {BUYING_ROLES[i % 4]}",
            f"    influence: {share if p in present else 0.1}",
            f"    stance: {((i % 5) - 2) / 10:.1f}",
            f"    seniority: {1 + i % 5}",
            "    priorities:",
            *[f"      {d}: {0.05 + ((i + k) % 5) / 10:.2f}" for k, d in enumerate(dims)],
            f"    visibility: {0.1 + (i % 8) / 10:.1f}",
        ]
        if p not in present:
            out.append("    joins_week: 12")
        out.append("    notes: >-")
        out += _block(6, i + 30, 4)
    out.append("roster:")
    for i, m in enumerate(roster):
        out += [
            f"  - id: {m}",
            f"    name: Member {i}",
            f"    title: Title {i}",
            "    skills:",
            *[f"      {s}: {((i * 3 + k) % 10) / 10 + 0.05:.2f}" for k, s in enumerate(skills)],
            f"    seniority: {1 + i % 5}",
            f"    weekly_cost: {1000 + 100 * i}",
            f"    capacity: {10 + i % 20}",
            "    traits:",
            "      - organised",
            "      - curious",
            "    bio: >-",
            *_block(6, i + 40, 3),
        ]
    out.append("chemistry:")
    for i in range(40):
        a, b = roster[i % 30], roster[(i % 30 + 1 + i // 30) % 30]
        out += [
            "  - members:",
            f"      - {a}",
            f"      - {b}",
            f"    value: {((i % 9) - 4) / 10:.1f}",
            f"    note: {_text(i, 10)}",
        ]
    out += ["limits:", "  headcount: 8", "  weekly_budget: 40000", "milestones:"]
    for i, m in enumerate(milestones):
        out += [
            f"  - id: {m}",
            f"    name: Milestone {i}",
            "    description: >-",
            *_block(6, i + 50, 2),
            f"    effort: {3 + i % 4}",
            f"    target_week: {3 * (i + 1)}",
        ]
        if i == len(milestones) - 1:
            out.append("    close: true")
    out.append("actions:")
    for i in range(24):
        out += [
            f"  - id: action{i}",
            f"    name: Action {i}",
            "    description: >-",
            *_block(6, i + 60, 3),
            f"    hours: {2 + i % 8}",
            "    roles:",
            *[f"      - {roles[(i + k) % 12]}" for k in range(3)],
            "    targets:",
            *[f"      - {BUYING_ROLES[(i + k) % 4]}" for k in range(2)],
            "    skills:",
            *[f"      {skills[(i + k) % 12]}: {0.3 + 0.2 * k:.1f}" for k in range(3)],
            "    effects:",
            f"      discovery: {(i % 5) / 10:.1f}",
            f"      stance: {(i % 4) / 50:.2f}",
            "      progress:",
            *[f"        {milestones[(i + k) % 12]}: {1 + k * 0.5:.1f}" for k in range(2)],
            f"      competition: {-(i % 3) / 100:.2f}",
        ]
    out.append("events:")
    for i in range(40):
        out += [
            f"  - id: event{i}",
            f"    name: Event {i}",
            "    signal: >-",
            *_block(6, i + 70, 3),
            "    when:",
            f"      week: {1 + i % weeks}",
            "    effects:",
            "      priorities:",
        ]
        for k in range(4):
            out.append(f"        {present[(i + k) % 15]}:")
            out += [
                f"          {d}: {0.1 + ((i + j + k) % 4) / 10:.1f}" for j, d in enumerate(dims)
            ]
        out += ["      stance:", f"        {present[i % 15]}: 0.05", "      competition: 0.01"]
    out += [
        "scoring:",
        "  internal: 0.25",
        "  external: 0.35",
        "  outcome: 0.4",
        "facilitator:",
        "  debrief_guide: |",
        *_block(4, 90, 30),
        "  hidden_truth: |",
        *_block(4, 91, 20),
        "  discussion_questions:",
    ]
    i = 0
    while len(out) < target_lines:
        out.append(f"  - {_text(i, 12)}?")
        i += 1
    return "\n".join(out) + "\n"


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    text = generate_scenario(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_large.yaml"
        path.write_text(text, encoding="utf-8")
        problems = validate_file(path)
        if problems:
            for p in problems[:20]:
                print(p)
            print("generated scenario is not clean; fix the generator")
            return 1
        data = path.read_bytes()

        def baseline():
            yaml.load(data.decode("utf-8"), Loader=yaml.CSafeLoader)

        def loader():
            load_scenario(path)

        def parse_only():
            read_yaml(path)

        baseline()
        loader()
        t_yaml = best_of(baseline, args.repeat)
        t_load = best_of(loader, args.repeat)
        t_parse = best_of(parse_only, args.repeat)

    ratio = t_load / t_yaml
    lines = text.count("\n")
    print(f"scenario: {lines:,} lines, {len(data):,} bytes (best of {args.repeat})")
    print(f"  yaml.load (CSafeLoader)      {t_yaml * 1000:8.2f} ms")
    print(f"  load_scenario (full checks)  {t_load * 1000:8.2f} ms")
    print(f"    of which read_yaml         {t_parse * 1000:8.2f} ms  (parse, positions, guards)")
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"  ratio                        {ratio:8.2f}x  (target <= {TARGET_RATIO}x: {verdict})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())

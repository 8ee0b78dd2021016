"""Week-by-week text charts on an absolute scale, with event markers lined up by week."""

from __future__ import annotations

from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"


def column(value: float, height: int, row: int) -> str:
    """The block character for `row` (0 = top) of a bar of `value` in 0..1."""
    eighths = round(min(max(value, 0.0), 1.0) * height * 8)
    level = (height - 1 - row) * 8
    return BLOCKS[min(max(eighths - level, 0), 8)]


def weekly_chart(
    series: list[tuple[str, list[float], str]],
    markers: list[tuple[str, list[bool], str, str]],
    weeks: int,
    height: int = 3,
    cell: int = 3,
) -> Text:
    """Bars per week for each series (values 0..1), then marker rows and the week numbers.

    series: (label, values per played week, style); markers: (label, flags, mark, style).
    """
    label_w = max([len(s[0]) for s in series] + [len(m[0]) for m in markers] + [4]) + 1
    out = Text()
    for label, values, style in series:
        for row in range(height):
            name = label if row == height - 1 else ""
            out.append(f"{name:<{label_w}}", style="bold" if name else "")
            for w in range(weeks):
                ch = column(values[w], height, row) if w < len(values) else " "
                out.append((ch * (cell - 1)).ljust(cell), style=style)
            if row == 0 and values:
                out.append(f" {values[-1]:.0%}", style="dim")
            out.append("\n")
    for label, flags, mark, style in markers:
        out.append(f"{label:<{label_w}}", style="bold")
        for w in range(weeks):
            out.append((mark if w < len(flags) and flags[w] else "·").ljust(cell), style=style)
        out.append("\n")
    out.append(f"{'week':<{label_w}}", style="dim")
    for w in range(weeks):
        out.append(f"{w + 1:<{cell}}", style="dim")
    return out

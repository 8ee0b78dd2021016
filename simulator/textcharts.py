"""Plain-text bars and sparklines, shared by the screens, the headless scorecard and the
workshop's text board (no Textual import, so `dealcraft run` stays light)."""

from __future__ import annotations


def bar(fraction: float, width: int = 10) -> str:
    """A text bar for 0..1 (eighth blocks)."""
    fraction = min(max(float(fraction), 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return text.ljust(width, "·")


def spark(values: list[float]) -> str:
    """One block character per value in 0..1."""
    ticks = "▁▂▃▄▅▆▇█"
    return "".join(ticks[min(7, max(0, int(v * 7.999)))] for v in values)

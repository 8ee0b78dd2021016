"""Short display labels for names, money and roles: pure text helpers that screens and
widgets share (so a widget never imports a screen module for them)."""

from __future__ import annotations

from rich.text import Text


def plain(value: object, style: str = "") -> Text:
    """User or scenario text as a renderable that can never be read as markup."""
    return Text(str(value), style=style)


def money(value: float, currency: str = "") -> str:
    text = f"{value:,.0f}"
    return f"{text} {currency}".strip()


def first_name(name: str) -> str:
    """How the game refers to someone in short: the first name, or title and surname for a
    titled name ("Dr. Alan Ferris" is "Dr. Ferris", never "Dr.")."""
    words = name.split()
    if not words:
        return name
    if len(words) > 1 and words[0].endswith(".") and len(words[0]) <= 5:
        return f"{words[0]} {words[-1]}"
    return words[0]


def compact_name(name: str) -> str:
    """A name for a narrow column: "Alan F.", or "Dr. Ferris" for a titled name."""
    words = name.split()
    if len(words) < 2 or first_name(name) != words[0]:
        return first_name(name)
    return f"{words[0]} {words[-1][0]}."


def clip(text: str, width: int) -> str:
    """`text` in `width` characters, shortened at a word boundary with an ellipsis; a
    single word too long for the width is cut with the ellipsis showing it was."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rstrip()
    if " " in cut and text[len(cut)] != " ":
        cut = cut[: cut.rindex(" ")].rstrip(" ,;:-")
    return cut + "…"


def short(name: str, ident: str = "", width: int = 8) -> str:
    """A short label for a column: the name if it fits, else its id, else cut."""
    for cand in (name, ident.replace("_", " ").capitalize()):
        if cand and len(cand) <= width:
            return cand
    text = ident or name
    return clip(text.replace("_", " ").capitalize(), width)


def role_label(name: str, width: int = 16) -> str:
    """A role's display name without its parenthesis, cut to `width`."""
    return clip(name.split(" (")[0], width)


def initials(name: str) -> str:
    words = [w for w in name.split(" (")[0].replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:3]) or name[:2]

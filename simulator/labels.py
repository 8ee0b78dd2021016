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
    return name.split()[0] if name.split() else name


def short(name: str, ident: str = "", width: int = 8) -> str:
    """A short label for a column: the name if it fits, else its id, else cut."""
    for cand in (name, ident.replace("_", " ").capitalize()):
        if cand and len(cand) <= width:
            return cand
    text = ident or name
    return text[: width - 1].capitalize() + "…"


def role_label(name: str, width: int = 16) -> str:
    """A role's display name without its parenthesis, cut to `width`."""
    text = name.split(" (")[0]
    return text if len(text) <= width else text[: width - 1] + "…"


def initials(name: str) -> str:
    words = [w for w in name.split(" (")[0].replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:3]) or name[:2]

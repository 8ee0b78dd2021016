"""The player's settings: a TOML file in the user config folder with the theme and a key
map (binding id = "keys"), as posting does. The game runs on defaults when the file is
missing; a bad file is one located line and the defaults."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.problems import InputError, did_you_mean

ENV = "DEALCRAFT_CONFIG"
FILE = "settings.toml"


def config_dir() -> Path:
    """$DEALCRAFT_CONFIG, else the platform's user config folder."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    from platformdirs import user_config_dir

    return Path(user_config_dir("dealcraft"))


@dataclass(frozen=True)
class Settings:
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)


def binding_owners() -> list[type]:
    """Every class whose bindings a player can remap: the app, each registered screen,
    every dialog and the widgets with keys of their own."""
    from textual.screen import ModalScreen

    from simulator.app import DealcraftApp
    from simulator.screens import debrief, modals
    from simulator.screens.registry import SCREENS, screen_class
    from simulator.widgets import focus, table

    dialogs = [
        c
        for c in vars(modals).values()
        if isinstance(c, type) and issubclass(c, ModalScreen) and c.__module__ == modals.__name__
    ]
    screens = [screen_class(name) for name in SCREENS]
    return [
        DealcraftApp,
        *screens,
        *dialogs,
        debrief.ExplainModal,
        focus.FocusEditor,
        table.GameTable,
    ]


def binding_ids() -> dict[str, str]:
    """Every remappable binding: id -> description, from the app's own bindings."""
    out = {}
    for owner in binding_owners():
        for b in owner.BINDINGS:
            if getattr(b, "id", None):
                out[b.id] = b.description
    return out


def load(path: Path | None = None) -> Settings:
    """The settings, or InputError (code settings.toml / settings.field) on a bad file."""
    path = path or config_dir() / FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(str(path), "settings.toml", f"cannot read: {exc}") from None
    import tomllib  # only for a file there is: most players have none

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(at[1]), int(at[2])) if at else (1, 1)
        raise InputError.at(str(path), "settings.toml", "not valid TOML", line, col) from None
    extra = set(data) - {"theme", "keys"}
    if extra:
        raise InputError.at(
            str(path),
            "settings.field",
            f"unknown setting '{sorted(extra)[0]}'",
            hint="settings are: theme, [keys]",
        )
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise InputError.at(str(path), "settings.field", "theme: must be a theme name")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise InputError.at(str(path), "settings.field", "[keys]: must be a table")
    known = binding_ids()
    for k, v in keys.items():
        if k not in known:
            raise InputError.at(
                str(path),
                "settings.field",
                f"[keys] {k}: no such binding",
                hint=did_you_mean(k, list(known)) or "dealcraft keys lists them",
            )
        if not isinstance(v, str) or not v.strip():
            raise InputError.at(str(path), "settings.field", f"[keys] {k}: keys as a string")
    return Settings(theme, dict(keys))


def save_theme(theme: str, path: Path | None = None) -> None:
    """Remember the theme, keeping the key map (the file is rewritten whole, atomically)."""
    path = path or config_dir() / FILE
    try:
        keys = load(path).keys
    except InputError:
        return  # never overwrite a file the player is still fixing
    lines = [f"theme = {json.dumps(theme)}", "", "[keys]"]
    lines += [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in sorted(keys.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)

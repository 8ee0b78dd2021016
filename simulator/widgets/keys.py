"""A one-line footer of the current screen's key bindings.

Textual's Footer builds one widget per key and rebuilds them on every screen change,
which costs tens of milliseconds per switch; this footer is a single Static redrawn
from `screen.active_bindings`. Keys are clickable (the mouse presses the key).
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.widgets import Static


class KeyFooter(Static):
    """The active bindings of this screen, as `key description` pairs."""

    auto_links = False  # keep the key colours; the @click actions still work

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.watch(self.app, "theme", lambda _theme: self.redraw(), init=False)
        self.redraw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        app = self.app
        seen: set[str] = set()
        entries = []  # (key to press, key shown, description, style)
        accent = app.theme_variables.get("accent", "yellow")
        for _node, binding, enabled, _tip in shown_bindings(self.screen):
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            style = f"b {accent}" if enabled else "dim"
            shown = app.get_key_display(binding)
            entries.append((binding.key.split(",")[0], shown, binding.description, style))
        palette = app.ENABLE_COMMAND_PALETTE
        texts, palette_text = fit(
            [(shown, desc) for _, shown, desc, _ in entries],
            self.size.width or app.size.width,
            palette,
        )
        parts = [
            f"[@click=app.simulate_key({press!r})][{style}] {escape(shown)} [/]{escape(text)}[/] "
            for (press, shown, _, style), text in zip(entries, texts, strict=True)
        ]
        if palette:
            parts.append(f"[@click=app.command_palette][b {accent}] ^p [/]{palette_text}[/]")
        self.update(Content.from_markup("".join(parts)))


def shown_bindings(screen) -> list:
    """The screen's active bindings, where a key the screen hands on to the focused widget
    (typed-ahead keys, see screens.base.typed_ahead) shows that widget's own binding, first,
    as Textual orders a focused widget's keys."""
    forwarded, rest = [], []
    for key, active in screen.active_bindings.items():
        node, binding, enabled, tip = active
        if binding.action.startswith("focused_key("):
            own = focused_binding(screen, key)
            if own is not None:
                forwarded.append((node, own, enabled, tip))
            continue
        rest.append(active)
    return forwarded + rest


def focused_binding(screen, key: str):
    """The binding of the focused widget (or a container of it) for `key`, if any."""
    for node, bindings in screen._binding_chain:  # noqa: SLF001 - the keymap applied
        if node is screen:
            return None
        for b in bindings.key_to_bindings.get(key, ()):
            if not b.priority:
                return b
    return None


def fit(keys: list[tuple[str, str]], width: int, palette: bool) -> tuple[list[str], str]:
    """The footer's descriptions for `keys` (shown key, description) in `width` cells: in
    full when they fit, else first words, else first words while they fit and then the
    keys alone, so that no key is ever cut off."""

    def length(texts: list[str], palette_text: str) -> int:
        cells = sum(len(k) + len(t) + 3 for (k, _), t in zip(keys, texts, strict=True))
        return cells + (len(palette_text) + 4 if palette else 0)

    full = [d for _, d in keys]
    short = [d.split()[0] if d.split() else "" for d in full]
    for texts, palette_text in ((full, "Commands"), (short, "")):
        if length(texts, palette_text) <= width:
            return texts, palette_text
    texts = [""] * len(keys)
    for n, word in enumerate(short):
        if length(texts[:n] + [word] + texts[n + 1 :], "") > width:
            break
        texts[n] = word
    return texts, ""

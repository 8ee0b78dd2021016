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

    def redraw(self) -> None:
        app = self.app
        seen: set[str] = set()
        parts = []
        accent = app.theme_variables.get("accent", "yellow")
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = escape(app.get_key_display(binding))
            press = binding.key.split(",")[0]
            style = f"b {accent}" if enabled else "dim"
            parts.append(
                f"[@click=app.simulate_key({press!r})][{style}] {key} [/]"
                f"{escape(binding.description)}[/] "
            )
        if app.ENABLE_COMMAND_PALETTE:
            parts.append(f"[@click=app.command_palette][b {accent}] ^p [/]Commands[/]")
        self.update(Content.from_markup("".join(parts)))

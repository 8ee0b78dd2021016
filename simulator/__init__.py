"""Dealcraft's application: CLI, Textual app, saves, workshop and reports."""

import engine  # noqa: F401  (first, so its numpy settings apply before numpy loads)

"""Headless Chromium for the report tests (the report in a real browser, a debrief
printed to PDF): where it is, a skip marker for machines without it, and one run."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

CHROMIUM = next(
    (
        p
        for p in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser"))
        if p and os.path.exists(p)
    ),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)


def chromium(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """One headless Chromium run with `args`, in a throwaway profile, offline."""
    profile = tempfile.mkdtemp(prefix="dealcraft-chromium-")
    try:
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)

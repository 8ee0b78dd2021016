"""The facilitator key as the documented workflow passes it: in a 0600 key file."""

import hashlib
import os
from pathlib import Path


def key_file(key: str) -> str:
    """A key file holding `key`, in the test's $DEALCRAFT_HOME (the `home` fixture)."""
    path = (
        Path(os.environ["DEALCRAFT_HOME"]) / f"key-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    )
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def key_args(key: str) -> list[str]:
    """`--key-file FILE` for a facilitator command."""
    return ["--key-file", key_file(key)]

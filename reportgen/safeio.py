"""Write output files so a reader never sees half of one.

Data goes to a hidden temporary file in the destination folder, then replaces the
target in one atomic rename. A build killed half-way leaves the previous file intact;
its temporary file is removed by the next build.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import unicodedata
from pathlib import Path

TEMP_PREFIX = ".reportgen-"
TEMP_SUFFIX = ".tmp"
STALE_AFTER_SECONDS = 3600


def slugify(text: str, fallback: str = "paper", max_length: int = 80) -> str:
    """A safe file name stem: ASCII letters, digits and hyphens only.

    "Organisational Development Framework Update 2018/2019" ->
    "organisational-development-framework-update-2018-2019"; "../../etc/passwd" ->
    "etc-passwd", so no title can point outside the output folder.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or fallback


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporaries left by builds that were killed (older than an hour)."""
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same-folder temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise

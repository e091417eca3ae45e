"""The pack cache's entries: stored, checked on every read, pruned.

Each entry is two files in ``OUTDIR/.reportgen-cache/``:

- ``content-<sha256>.pdf``: the PDF, named by the SHA-256 of its bytes;
- ``<kind>-<key>.json``: its record — the kind (``paper``, ``frame`` or ``pack``), the
  key it was made for, the content's SHA-256, size and page count, the reportgen
  version and what it is (``"item": "9"``).

The content is written first and the record last, each atomically, so a record only
ever names content that was complete when it was written, and two builds writing the
same entry at once cannot leave a record and content from different builds. A read
checks everything: a record that is not valid JSON, names another key (a record
copied over another), or content that is missing, truncated, of another hash (a file
copied over another) or not a readable PDF is a *miss*, returned as a reason in words
("did not match its record"), and the caller builds the entry again and says so.

A read touches the record, so its modification time is when it was last used;
:func:`prune` removes what has not been used for a number of days (and, given a size,
the least recently used until the folder fits). It removes only regular files named
the way this module names them, directly inside the cache folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from reportgen import __version__
from reportgen.errors import ReportgenError
from reportgen.pdf.pages import pdf_page_shapes
from reportgen.safeio import STALE_AFTER_SECONDS, TEMP_PREFIX, TEMP_SUFFIX, atomic_write

CACHE_FOLDER = ".reportgen-cache"
RECORD_FORMAT = 1
KINDS = ("paper", "frame", "pack")
#: Entries not used for this many days are removed at the end of every pack build.
AUTO_PRUNE_DAYS = 30

_HEX = "[0-9a-f]{64}"
RECORD_NAME = re.compile(rf"(?P<kind>paper|frame|pack)-(?P<key>{_HEX})\.json")
CONTENT_NAME = re.compile(rf"content-(?P<sha>{_HEX})\.pdf")
#: What earlier versions kept: PDFs without records (``<key>.pdf``, ``frame-``, ``pack-``).
LEGACY_NAME = re.compile(rf"(?:(?:frame|pack)-)?{_HEX}\.pdf")
TEMP_NAME = re.compile(rf"{re.escape(TEMP_PREFIX)}.+{re.escape(TEMP_SUFFIX)}")


@dataclass(frozen=True)
class Entry:
    """A cache entry that passed every check on reading."""

    data: bytes
    shapes: list[bool]  # landscape, per page (so its page count)
    record: dict


def record_path(cache_dir: Path, kind: str, key: str) -> Path:
    return cache_dir / f"{kind}-{key}.json"


def content_path(cache_dir: Path, sha256: str) -> Path:
    return cache_dir / f"content-{sha256}.pdf"


def read_entry(cache_dir: Path, kind: str, key: str) -> Entry | str | None:
    """The entry made for ``key``; ``None`` if there is none; or, if there is one that
    cannot be trusted, why not ("was truncated"), to be treated as a miss."""
    record_file = record_path(cache_dir, kind, key)
    try:
        raw = record_file.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"could not be read ({exc.strerror or exc})"
    record = _parse_record(raw)
    if record is None:
        return "had a damaged record"
    if record["kind"] != kind or record["key"] != key or record["reportgen"] != __version__:
        return "did not match its record"
    try:
        data = content_path(cache_dir, record["sha256"]).read_bytes()
    except FileNotFoundError:
        return "was missing"
    except OSError as exc:
        return f"could not be read ({exc.strerror or exc})"
    if len(data) < record["size"] and b"%%EOF" not in data[-1024:]:
        return "was truncated"  # shorter, and not a whole PDF: cut off
    if len(data) != record["size"] or hashlib.sha256(data).hexdigest() != record["sha256"]:
        return "did not match its record"
    shapes = pdf_page_shapes(data)
    if isinstance(shapes, str):
        return "was not a readable PDF"
    if len(shapes) != record["pages"]:
        return "did not match its record"
    with contextlib.suppress(OSError):  # a read-only cache still serves its entries
        os.utime(record_file)  # last used now: what prune goes by
    return Entry(data, shapes, record)


def entry_files(cache_dir: Path) -> dict[str, list[Path]]:
    """The content files of the cache's whole entries, by kind ("paper", "frame",
    "pack"): what a pack was made from, for measuring it against its inputs."""
    found: dict[str, list[Path]] = {}
    for record_file in sorted(cache_dir.glob("*.json")):
        record = _parse_record(record_file.read_bytes())
        if record is not None and content_path(cache_dir, record["sha256"]).is_file():
            found.setdefault(record["kind"], []).append(
                content_path(cache_dir, record["sha256"]))
    return found


def write_entry(cache_dir: Path, kind: str, key: str, data: bytes, pages: int,
                **about) -> str | None:
    """Store ``data`` as the entry for ``key``; ``None``, or why it could not be stored
    (the build goes on without it)."""
    sha = hashlib.sha256(data).hexdigest()
    record = {"format": RECORD_FORMAT, "kind": kind, "key": key, "sha256": sha,
              "size": len(data), "pages": pages, "reportgen": __version__, **about}
    try:
        atomic_write(content_path(cache_dir, sha), data)
        atomic_write(record_path(cache_dir, kind, key),
                     json.dumps(record, indent=1).encode())
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return f"could not be written to the cache{where}: {exc.strerror or exc}"
    return None


def _parse_record(raw: bytes) -> dict | None:
    """The record if it has every field with the right type, else ``None``."""
    try:
        record = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        return None
    types = {"kind": str, "key": str, "sha256": str, "size": int, "pages": int,
             "reportgen": str}
    for name, kind in types.items():
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            return None
    if not re.fullmatch(_HEX, record["sha256"]) or record["size"] < 0:
        return None
    return record


# --- pruning -------------------------------------------------------------------------


@dataclass
class Pruned:
    """What :func:`prune` removed (or would remove) and what it left."""

    folder: Path
    removed: list[tuple[str, int, float, str]] = field(default_factory=list)
    #: name, size, modification time (a record's: when it was last used), what it was
    kept_files: int = 0
    kept_bytes: int = 0
    left_alone: list[tuple[str, str]] = field(default_factory=list)  # name, why

    @property
    def freed(self) -> int:
        return sum(size for _, size, _, _ in self.removed)


@dataclass
class _File:
    name: str
    size: int
    mtime: float
    what: str
    sha: str | None = None  # content: its hash; record: the content it names


def prune(cache_dir: Path, older_than_days: float = AUTO_PRUNE_DAYS,
          max_bytes: int | None = None, dry_run: bool = False,
          now: float | None = None) -> Pruned:
    """Remove entries not used for ``older_than_days`` days, then, if ``max_bytes`` is
    given, the least recently used until the folder holds at most that much.

    Also removed: damaged records (they can never be used), files of earlier versions'
    cache, content no record names, and temporaries of killed builds — the last two
    only when older than an hour (or the age limit, if shorter), since a build in
    progress may be about to write their record. Everything else — other files,
    folders, symbolic links — is left alone and listed. Refuses a cache folder that is
    a symbolic link.
    """
    now = time.time() if now is None else now
    if cache_dir.is_symlink():
        raise ReportgenError(f"{cache_dir} is a symbolic link: reportgen prunes only a "
                             "cache folder of its own, not what a link points to")
    result = Pruned(cache_dir)
    if not cache_dir.is_dir():
        return result
    cutoff = now - older_than_days * 86400
    grace_cutoff = now - min(STALE_AFTER_SECONDS, older_than_days * 86400)
    records: list[_File] = []
    contents: dict[str, _File] = {}
    doomed: list[_File] = []
    with os.scandir(cache_dir) as listing:
        for item in sorted(listing, key=lambda e: e.name):
            if item.is_symlink():
                result.left_alone.append((item.name, "a symbolic link"))
                continue
            if not item.is_file(follow_symlinks=False):
                result.left_alone.append((item.name, "not a file"))
                continue
            stat = item.stat(follow_symlinks=False)
            found = _File(item.name, stat.st_size, stat.st_mtime, "")
            if match := RECORD_NAME.fullmatch(item.name):
                record = _read_record(Path(item.path))
                if record is None or record["kind"] != match["kind"] or \
                        record["key"] != match["key"]:
                    found.what = "a damaged record"
                    doomed.append(found)
                    continue
                found.what = _describe(record)
                found.sha = record["sha256"]
                (doomed if found.mtime < cutoff else records).append(found)
            elif match := CONTENT_NAME.fullmatch(item.name):
                found.what = "cached PDF"
                found.sha = match["sha"]
                contents[found.sha] = found
            elif LEGACY_NAME.fullmatch(item.name):
                found.what = "an earlier version's cached PDF"
                if found.mtime < cutoff:
                    doomed.append(found)
                else:
                    records.append(found)  # kept while fresh, counted in the size
            elif TEMP_NAME.fullmatch(item.name):
                if found.mtime < grace_cutoff:
                    found.what = "a killed build's temporary file"
                    doomed.append(found)
            else:
                result.left_alone.append((item.name, "not a cache file"))
    named = {r.sha for r in records if r.sha}
    for sha, content in list(contents.items()):
        if sha not in named and content.mtime < grace_cutoff:
            doomed.append(contents.pop(sha))
    if max_bytes is not None:
        total = sum(f.size for f in records) + sum(f.size for f in contents.values())
        for oldest in sorted(records, key=lambda f: f.mtime):
            if total <= max_bytes:
                break
            records.remove(oldest)
            doomed.append(oldest)
            total -= oldest.size
            still_named = {r.sha for r in records if r.sha}
            if oldest.sha in contents and oldest.sha not in still_named:
                content = contents.pop(oldest.sha)
                doomed.append(content)
                total -= content.size
    for gone in doomed:
        if not dry_run:
            try:
                os.unlink(cache_dir / gone.name)  # a link is removed, never its target
            except FileNotFoundError:
                continue  # another build's prune got there first
        result.removed.append((gone.name, gone.size, gone.mtime, gone.what))
    kept = records + list(contents.values())
    result.kept_files = len(kept)
    result.kept_bytes = sum(f.size for f in kept)
    return result


def _read_record(path: Path) -> dict | None:
    try:
        return _parse_record(path.read_bytes())
    except OSError:
        return None


def _describe(record: dict) -> str:
    item = record.get("item")
    if record["kind"] == "paper":
        return f"record of item {item}'s paper" if isinstance(item, str) else \
            "record of a paper"
    if record["kind"] == "frame":
        return "record of a cover, agenda and stamps"
    return "record of a whole pack"


def size_text(size: int) -> str:
    """1536 -> "1.5 KB"; 3_250_000 -> "3.1 MB"."""
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"

"""Fingerprints of everything a pack, its papers and its frame depend on.

The cache (``OUTDIR/.reportgen-cache/``) is keyed by the SHA-256 of the inputs, every
template file and the reportgen version, so a changed input is never served stale;
its entries are stored and checked by :mod:`reportgen.pack.store`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from reportgen import __version__
from reportgen.pack.agenda import Agenda, Item
from reportgen.pack.options import PackOptions
from reportgen.pack.store import CACHE_FOLDER
from reportgen.render.environment import template_dirs

__all__ = ["CACHE_FOLDER", "cache_key", "pack_inputs", "pack_key", "templates_digest"]

#: Part of every key: entries stored another way (before records) are never looked up.
KEY_SCHEME = "records-1"


def _template_files(templates: Path | None) -> list[Path]:
    return [p for root in template_dirs(templates) for p in sorted(root.rglob("*"))
            if p.is_file()]


def templates_digest(templates: Path | None) -> bytes:
    """One fingerprint of every template file, computed once per build."""
    digest = hashlib.sha256()
    for path in _template_files(templates):
        digest.update(str(path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def cache_key(inputs: list[Path], templates: bytes) -> str:
    """Fingerprint of everything a paper's PDF depends on (``templates``: their digest)."""
    digest = hashlib.sha256(f"reportgen {__version__} {KEY_SCHEME} pack-paper".encode())
    digest.update(templates)
    for path in inputs:
        digest.update(str(path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def pack_inputs(agenda: Agenda, items: list[Item],
                 inputs: dict[str, list[Path]]) -> list[Path]:
    """The agenda and every file its papers are built from, in agenda order."""
    files = [p for item in items for p in inputs.get(item.number, [item.paper]) if p]
    return [agenda.path, *dict.fromkeys(files)]


def pack_key(agenda: Agenda, items: list[Item], inputs: dict[str, list[Path]],
             options: PackOptions, templates: bytes) -> str:
    """Fingerprint of a whole pack: agenda, options, templates and every paper's files."""
    digest = hashlib.sha256(f"reportgen {__version__} {KEY_SCHEME} pack".encode())
    digest.update(repr((options.part, options.draft, options.supplement)).encode())
    digest.update(templates)
    for path in pack_inputs(agenda, items, inputs):
        digest.update(str(path).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()

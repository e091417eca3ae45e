"""A manifest beside each output: what it was built from, by fingerprint.

A secretary can tell whether a paper changed (and why) by comparing manifests:
the SHA-256 of every input file, every template file that could have been used,
and every output, with the reportgen version. No timestamps, so the same build
gives the same manifest.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reportgen import __version__


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_manifest(inputs: list[Path], template_roots: list[Path],
                  outputs: dict[Path, bytes]) -> bytes:
    templates = []
    for index, root in enumerate(template_roots):
        label = "built-in" if index == len(template_roots) - 1 else "user"
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            templates.append({"folder": label, "path": path.relative_to(root).as_posix(),
                              "sha256": sha256(path.read_bytes())})
    manifest = {
        "reportgen": __version__,
        "inputs": [{"path": path.name, "sha256": sha256(path.read_bytes())}
                   for path in inputs],
        "templates": templates,
        "outputs": [{"path": path.name, "sha256": sha256(data), "bytes": len(data)}
                    for path, data in outputs.items()],
    }
    return (json.dumps(manifest, indent=2) + "\n").encode("utf-8")

"""Read inputs and write outputs so that neither can take the machine or lose a file.

Writing: data goes to a hidden temporary file in the destination folder, then replaces
the target in one atomic rename; the files of one build are replaced together or not
at all (:func:`atomic_write_all`). A build killed half-way leaves the previous files
intact; its temporary files carry its process id, so the next build removes them as
soon as that process is gone.

Reading: :func:`read_regular_file` reads only a regular file, and only up to a limit
(never a FIFO that blocks forever, nor ``/dev/zero``), and :func:`load_yaml` refuses
YAML aliases, so a few hundred bytes cannot expand into gigabytes.
"""

from __future__ import annotations

import os
import re
import stat
import time
import unicodedata
from pathlib import Path
from typing import Any

from reportgen.errors import InputError, Problem, ReportgenError

TEMP_PREFIX = ".reportgen-"
TEMP_SUFFIX = ".tmp"
#: A temporary file whose owner process is alive is left alone for this long.
STALE_AFTER_SECONDS = 3600
#: The longest file name stem, in UTF-8 bytes (a file name may have 255).
MAX_STEM_BYTES = 120
_OWNER = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-")


def slugify(text: str, fallback: str = "paper", max_length: int = 80) -> str:
    """A safe file name stem: lower-case letters (of any script), digits and hyphens.

    "Organisational Development Framework Update 2018/2019" ->
    "organisational-development-framework-update-2018-2019"; "../../etc/passwd" ->
    "etc-passwd", so no title can point outside the output folder. Accents on Latin
    letters are dropped ("Café" -> "cafe"); other scripts are kept ("事業報告" stays
    "事業報告", "تقرير" stays "تقرير"), so such a title does not become ``paper``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter: "é" -> "e"
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept)).casefold()
    slug = "-".join(re.findall(r"[^\W_]+", text))  # runs of letters, marks and digits
    slug = slug[:max_length]
    while len(slug.encode("utf-8")) > MAX_STEM_BYTES:
        slug = slug[:-1]
    return slug.strip("-") or fallback


# ---------------------------------------------------------------------------------------
# Reading


def read_regular_file(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    A FIFO, a device (``/dev/zero``) or a socket — directly or through a symlink — is
    refused before it is read, and a file that grows past ``limit`` while being read
    is refused too, so no input can block the build or fill the memory.
    """

    def refuse(message: str, hint: str | None = None) -> InputError:
        return InputError([Problem(message, file=path, hint=hint)], path)

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat decides after.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("file not found") from None
    except IsADirectoryError:
        raise refuse("is a folder, not a file") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = ("a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
                    "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise refuse(f"is {kind}, not a regular file; it is not read",
                         f"give the path of the {what} itself")
        if info.st_size > limit:
            raise refuse(f"is {_megabytes(info.st_size)}, over the {_megabytes(limit)} "
                         f"limit for a {what}; it is not read")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise refuse(f"grew past the {_megabytes(limit)} limit for a {what} while "
                             "being read; it is not read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _megabytes(size: int) -> str:
    """1,000 bytes; 12 MB."""
    return f"{size:,} bytes" if size < 2**20 else f"{size // 2**20:,} MB"


def load_yaml(text: str) -> Any:
    """``yaml.safe_load``, but aliases (``*name``) are refused: a few hundred bytes of
    nested aliases would otherwise expand into gigabytes ("billion laughs").

    A refused alias raises ``yaml.YAMLError`` with the line it is on, like any other
    YAML mistake, so callers report it the same way.
    """
    import yaml  # here, not at the top: the CLI starts without loading PyYAML

    return yaml.load(text, Loader=_no_alias_loader())


class NoAliases:
    """Mixin for a PyYAML loader: aliases (``*name``) are refused, naming the alias and
    its line (see :func:`load_yaml`). The agenda's loader, which also reads every value
    as text, is built on it too."""

    def compose_node(self, parent, index):
        import yaml  # here, not at the top: the CLI starts without loading PyYAML

        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in reportgen files; "
                "write the value out in full", event.start_mark)
        return super().compose_node(parent, index)


_LOADER: type | None = None


def _no_alias_loader() -> type:
    global _LOADER
    if _LOADER is None:
        import yaml  # here, not at the top: the CLI starts without loading PyYAML

        _LOADER = type("NoAliasSafeLoader", (NoAliases, yaml.SafeLoader), {})
    return _LOADER


# ---------------------------------------------------------------------------------------
# Writing


def _owner(name: str) -> int | None:
    match = _OWNER.match(name)
    return int(match.group(1)) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporaries left by builds that were killed.

    A temporary's name carries the process id of the build that wrote it: it is
    removed, whatever its age, once that process is gone (or is this process, which
    holds none between writes); one whose owner still runs is another build's, left
    alone for an hour (after that its process id has likely been reused).
    """
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        try:
            owner = _owner(path.name)
            gone = owner is not None and (owner == os.getpid() or not _alive(owner))
            if gone or path.lstat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _temporary_for(path: Path, kind: str = "new") -> Path:
    """``.reportgen-<pid>-new-paper.pdf.tmp``: hidden, owned, one per target."""
    return path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{kind}-{path.name}{TEMP_SUFFIX}")


def _write_temporary(path: Path, data: bytes) -> Path:
    temp = _temporary_for(path)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same-folder temp file + rename)."""
    atomic_write_all({path: data})


def atomic_write_all(outputs: dict[Path, bytes]) -> None:
    """Write several files so that either all are replaced or none is.

    Every file is first written in full to a temporary beside its target; only then
    are they renamed into place. If writing any of them fails (a full disk, a folder
    that cannot be written), every temporary is removed, every old file is kept, and
    the error names the file that could not be written. If a rename fails half-way,
    the files already replaced are put back from hard-linked copies of the old ones.
    """
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    try:
        for path in outputs:
            path.parent.mkdir(parents=True, exist_ok=True)
        for folder in {path.parent for path in outputs}:
            remove_stale_temporaries(folder)
        for path, data in outputs.items():
            try:
                temps[path] = _write_temporary(path, data)
            except OSError as exc:
                raise ReportgenError(
                    f"could not write {path}: {exc.strerror or exc}; nothing was "
                    "replaced (the previous files are kept)") from exc
        for path in outputs:
            if path.exists():
                backup = _temporary_for(path, "old")
                try:
                    os.link(path, backup)
                    backups[path] = backup
                except OSError:
                    pass  # no hard links here: this file cannot be put back
        replaced: list[Path] = []
        try:
            for path, temp in temps.items():
                os.replace(temp, path)
                replaced.append(path)
        except OSError as exc:
            for done in replaced:
                if done in backups:
                    os.replace(backups.pop(done), done)
                else:
                    done.unlink(missing_ok=True)
            failed = next(p for p in outputs if p not in replaced)
            raise ReportgenError(f"could not write {failed}: {exc.strerror or exc}; "
                                 "nothing was replaced") from exc
    finally:
        for temp in [*temps.values(), *backups.values()]:
            temp.unlink(missing_ok=True)

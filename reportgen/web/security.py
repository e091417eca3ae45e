"""What keeps ``reportgen serve`` a local page: Host and Origin checks, upload caps, paths.

- **Host** (DNS rebinding): a page on another site can make a browser send requests to
  127.0.0.1 under that site's own name; every request whose ``Host`` is not one of the
  server's own names is refused.
- **Origin** (cross-site forms): every POST must come from a page of this server, by
  its ``Origin`` header (or, failing that, its ``Referer``); a POST with neither is
  refused too — fail closed.
- **Uploads**: a request body larger than the cap is refused before it is read
  whole (by its ``Content-Length``, and by counting when it has none); the number of
  files in one form is capped as well.
- **Paths**: nothing the browser sends is joined to a path before
  :func:`inside_folder` has resolved it inside FOLDER; an uploaded file keeps only a
  plain file name (:func:`upload_name`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import parse_qsl, urlsplit

#: The host names a server bound to the loopback address answers to.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
#: Default caps: a workbook may be up to 100 MB (reportgen.safeio), a pack brings papers.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UPLOAD_FILES = 60
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Refused(Exception):
    """A request refused for safety; ``status`` is the HTTP status, the message says why
    in words a user can act on."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def host_name(host: str) -> str:
    """``127.0.0.1:8000`` -> ``127.0.0.1``; ``[::1]:8000`` -> ``::1``; lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def traversal(value: str) -> bool:
    """Whether ``value`` looks like a path that climbs out of a folder or starts at the
    root: ``../x``, ``a/../../b``, ``/etc/passwd``, ``C:\\x``, ``~/x``, or has a NUL."""
    if "\0" in value:
        return True
    for parts in (PurePosixPath(value).parts, PureWindowsPath(value).parts):
        if ".." in parts:
            return True
    return (value.startswith(("/", "\\", "~")) or bool(re.match(r"^[A-Za-z]:", value)))


def inside_folder(folder: Path, value: str, parameter: str) -> Path:
    """``folder / value`` resolved (symbolic links followed), if it stays inside
    ``folder`` and is a regular file; otherwise :class:`Refused`, naming the parameter."""
    if not value or traversal(value):
        raise Refused(f"Refused: the {parameter} {value!r} is not a file in this folder")
    root = folder.resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        raise Refused(f"Refused: the {parameter} {value!r} leads outside this folder")
    if not path.is_file():
        raise Refused(f"Refused: the {parameter} {value!r} is not a file in this folder",
                      status=404)
    return path


def upload_name(name: str | None, parameter: str) -> str:
    """An uploaded file's name, if it is a plain file name (no folder, not hidden)."""
    if not name:
        raise Refused(f"Refused: a file sent as {parameter} has no name")
    if traversal(name) or "/" in name or "\\" in name or name.startswith(".") \
            or len(name.encode("utf-8")) > 200 or any(ord(c) < 32 for c in name):
        raise Refused(f"Refused: the file name {name!r} sent as {parameter} is not a plain "
                      "file name (rename the file: letters, digits, spaces, - _ .)")
    return name


async def _respond(send, status: int, message: str) -> None:
    """A small page of its own (the request never reached the application)."""
    text = html.escape(message)
    body = (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{text}'
            f'</title></head><body><main><h1>This request was refused</h1><p>{text}</p>'
            '</main></body></html>').encode()
    kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"content-security-policy", b"default-src 'none'"),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: the Host check on every request, the Origin check on every
    POST, the body-size cap, and no ``..`` path in any query parameter."""

    def __init__(self, app, *, hosts: frozenset[str], max_bytes: int = MAX_UPLOAD_BYTES):
        self.app = app
        self.hosts = frozenset(host_name(h) for h in hosts)
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        try:
            self.check(scope, headers)
        except Refused as refused:
            return await _respond(send, refused.status, str(refused))
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            return await self.app(scope, receive, send)
        seen = 0
        too_big = False
        cap = self.max_bytes

        async def counted_receive():
            nonlocal seen, too_big
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    too_big = True
                    raise Refused(_too_big(cap), status=413)
            return message

        started = False

        async def tracked_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except Refused as refused:
            if not started:
                await _respond(send, refused.status, str(refused))
        except Exception:
            if too_big and not started:
                await _respond(send, 413, _too_big(cap))
            else:
                raise

    def check(self, scope, headers: dict[str, str]) -> None:
        host = headers.get("host", "")
        if host_name(host) not in self.hosts:
            raise Refused(f"Refused: this server answers to {', '.join(sorted(self.hosts))}, "
                          f"not to the host {host!r} (a page on another site may be trying "
                          "to reach it)", status=400)
        for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                     keep_blank_values=True):
            if traversal(value):
                raise Refused(f"Refused: the parameter {name} ({value!r}) is a path "
                              "outside this folder")
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            own = f"{scope.get('scheme', 'http')}://{host.lower()}"
            origin = headers.get("origin")
            if origin is None and headers.get("referer"):
                parts = urlsplit(headers["referer"])
                origin = f"{parts.scheme}://{parts.netloc}"
            if origin is None:
                raise Refused("Refused: a form sent without an Origin header (send it from "
                              "this server's own page)", status=403)
            if origin.lower() != own:
                raise Refused(f"Refused: a form sent from {origin}, not from this server's "
                              f"own page ({own})", status=403)
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > self.max_bytes:
                raise Refused(_too_big(self.max_bytes), status=413)


def _too_big(cap: int) -> str:
    size = f"{cap / 1024 / 1024:g} MB" if cap >= 1024 * 1024 else f"{cap / 1024:g} KB"
    return (f"Refused: the upload is larger than {size}, the most this page takes at once "
            "(send fewer or smaller files)")

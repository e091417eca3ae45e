"""Running an application with uvicorn on a socket bound here, so that a port in use
is a clean message and a test can ask for port 0."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable

from reportgen.errors import ReportgenError
from reportgen.web.security import LOOPBACK_NAMES

WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ReportgenError(f"could not listen on {host}:{port}: {error.strerror or error} "
                             "(another program may be using the port: give another with "
                             "--port)") from None
    sock.listen(64)
    return sock


def allowed_hosts(host: str) -> frozenset[str]:
    """The names a browser may use for this server: the loopback names, and with
    ``--host`` the address given (for a wildcard, this computer's own names)."""
    if host in LOOPBACK_NAMES:
        return LOOPBACK_NAMES
    if host in WILDCARDS:
        names = {socket.gethostname(), socket.getfqdn()}
        return LOOPBACK_NAMES | {n.lower() for n in names if n}
    return LOOPBACK_NAMES | {host.lower()}


def exposed_warning(host: str, port: int, what: str) -> str | None:
    """The warning for binding another address than the loopback one."""
    if host in LOOPBACK_NAMES:
        return None
    return (f"listening on {host or '*'}:{port}, not only on this computer: anyone who can "
            f"reach it there can {what}. Use --host only on a network you trust.")


def url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in WILDCARDS else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def run(app, sock: socket.socket, *, open_url: str | None = None,
        ready: Callable[[], None] | None = None) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C; open ``open_url`` in the browser once
    listening."""
    import uvicorn  # here, not at the top: only serve and preview need it

    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    if open_url is not None or ready is not None:
        def when_started() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                if ready is not None:
                    ready()
                if open_url is not None:
                    webbrowser.open(open_url)
        threading.Thread(target=when_started, daemon=True).start()
    server.run(sockets=[sock])

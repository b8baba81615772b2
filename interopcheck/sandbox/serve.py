"""Serving an ASGI app on loopback in a background thread, for ``demo`` and for tests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from interopcheck.errors import SetupError

#: Seconds a new connection has to send its request's headers.
HEADER_SECONDS = 10.0


def _headers_in_time() -> type:
    """uvicorn's h11 protocol, closing a connection that has not sent a whole request head
    within ``HEADER_SECONDS`` (uvicorn times out only idle connections after a response, so
    1,100 connections that never spoke held the sandbox's file descriptors for good)."""
    import asyncio

    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadersInTime(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._head_deadline = self.loop.call_later(HEADER_SECONDS, self._no_head)

        def _no_head(self) -> None:
            if getattr(self, "cycle", None) is None and not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_deadline.cancel()
            super().connection_lost(exc)

    return HeadersInTime


def limits() -> dict[str, Any]:
    """uvicorn's bounds for a server anyone who reaches its port may call: a head within
    ``HEADER_SECONDS``, an idle connection closed after 5 s, and past 200 connections at once
    a 503 for new ones instead of file descriptors running out for everyone."""
    return {"http": _headers_in_time(), "timeout_keep_alive": 5, "limit_concurrency": 200}


#: How long a stopping server waits for requests in flight before it closes them.
GRACE_SECONDS = 2.0


@contextlib.contextmanager
def serving(
    app: Any, host: str = "127.0.0.1", start_timeout: float = 20, **tls: Any
) -> Iterator[str]:
    """Serve ``app`` on ``host`` (a free port) for the block; yields the base URL. The server
    is stopped when the block ends, however it ends (Ctrl-C included). ``tls``: uvicorn's
    ``ssl_*`` options (``ssl_certfile`` makes it https)."""
    import uvicorn

    config = uvicorn.Config(
        app, host=host, port=0, log_level="warning", lifespan="off", **limits(), **tls
    )
    server = uvicorn.Server(config)
    # uvicorn installs signal handlers only in the main thread; here Ctrl-C reaches ours.
    thread = threading.Thread(target=server.run, daemon=True, name="interopcheck-server")
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise SetupError(f"could not start a server on {host} (no free port?)")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"{'https' if tls.get('ssl_certfile') else 'http'}://{host}:{port}"
    finally:
        server.should_exit = True
        # A request still being answered gets a moment to finish; one that never ends (a
        # deliberately silent handler, a stuck client) does not hold the stop for long.
        thread.join(timeout=GRACE_SECONDS)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=20)


def serve_forever(app: Any, host: str, port: int, **tls: Any) -> None:
    """Serve ``app`` in the foreground until stopped (``interopcheck sandbox``), with the same
    bounds as ``serving``; ``tls``: uvicorn's ``ssl_*`` options."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", **limits(), **tls)

"""Serving an ASGI app on loopback in a background thread, for ``demo`` and for tests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from interopcheck.errors import SetupError


@contextlib.contextmanager
def serving(
    app: Any, host: str = "127.0.0.1", start_timeout: float = 20, **tls: Any
) -> Iterator[str]:
    """Serve ``app`` on ``host`` (a free port) for the block; yields the base URL. The server
    is stopped when the block ends, however it ends (Ctrl-C included). ``tls``: uvicorn's
    ``ssl_*`` options (``ssl_certfile`` makes it https)."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="off", **tls)
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
        thread.join(timeout=20)

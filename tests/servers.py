"""Real HTTP servers on loopback for tests: uvicorn in a thread, on a free port, stopped after."""

from interopcheck.sandbox.serve import serving

__all__ = ["serving"]

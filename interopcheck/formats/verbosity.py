"""How much the console says; a module of its own so that option parsing need not import rich."""

from __future__ import annotations

from enum import Enum


class Verbosity(str, Enum):
    """Failures and the verdict only (``--quiet``), the usual, or everything (``--verbose``)."""

    quiet = "quiet"
    normal = "normal"
    verbose = "verbose"

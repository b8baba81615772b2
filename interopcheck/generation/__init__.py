"""Generating payloads from the standard: valid cases, and invalid ones that say what they break.

Two things Hypothesis does for a test suite are wrong for a command-line tool, and are changed
here, before any strategy runs:

- It keeps a ``.hypothesis/`` directory in the working directory. A tool writes only what the
  user asked for there, so Hypothesis's storage (only its cache of the Unicode character map
  is used: about 2 s to rebuild, measured) goes to the user's cache directory,
  ``$XDG_CACHE_HOME/interopcheck/hypothesis`` (``~/.cache/...``), unless the user chose a place
  with ``HYPOTHESIS_STORAGE_DIRECTORY``. No example database is kept (``generate/cases.py``).
- It mixes constants read from the source of "local" modules (anything outside site-packages, so
  ours in an editable install) into what it draws, and caches them with the files' absolute
  paths. The same ``--seed`` must give the same bytes however the tool was installed, so no
  local constants are used.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.internal.conjecture import providers as _providers


def _cache_directory() -> Path:
    """Where a user's caches go (XDG), never the working directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "interopcheck" / "hypothesis"


if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(_cache_directory())

if hasattr(_providers, "_get_local_constants") and hasattr(_providers, "_local_constants"):
    _NO_LOCAL_CONSTANTS = _providers._local_constants
    _providers._get_local_constants = lambda: _NO_LOCAL_CONSTANTS

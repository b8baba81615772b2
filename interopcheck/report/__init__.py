"""The report of a run: one documented JSON shape that every format renders from."""

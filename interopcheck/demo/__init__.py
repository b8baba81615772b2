"""``demo``: the whole tool on the bundled default, with nothing to configure."""

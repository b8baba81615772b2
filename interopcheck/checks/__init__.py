"""Checks: each turns a payload into findings. Schema checks live here; rules and journeys later."""

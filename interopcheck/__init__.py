"""interopcheck: test whether a system speaks a cross-agency data-exchange standard, provably."""

__version__ = "0.1.0"

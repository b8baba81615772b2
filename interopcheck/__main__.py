"""``python -m interopcheck`` runs the CLI."""

from interopcheck.cli import main

main()

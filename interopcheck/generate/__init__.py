"""Generating payloads from the standard: valid cases, and invalid ones that say what they break."""

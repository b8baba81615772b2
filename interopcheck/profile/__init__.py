"""Conformance profiles: load (YAML -> model), resolve ``extends``, and lint."""

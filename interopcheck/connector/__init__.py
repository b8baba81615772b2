"""A Power Platform custom connector for an actor of a profile."""

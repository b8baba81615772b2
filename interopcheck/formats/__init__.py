"""Output formats: each renders a result object; none knows about schemas or sources."""

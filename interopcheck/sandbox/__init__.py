"""The reference agency server: a profile's endpoints for one actor, with faults to inject."""

"""Probing an agency's HTTP endpoints: plan, send, judge, shrink, report."""

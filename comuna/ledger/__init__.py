"""Append-only, hash-chained record of decisions, tallies, allocations and expenses."""

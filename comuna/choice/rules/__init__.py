"""Voting and budgeting rules."""

"""Polls, secret ballots, receipts, paper ballots and published tallies."""

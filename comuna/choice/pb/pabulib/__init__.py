"""Pabulib ``.pb`` files: reading, checking ballots against the file's limits, writing."""

from comuna.choice.pb.pabulib.reader import (
    ballot_problems,
    dumps,
    format_number,
    parse,
    parse_checked,
    read,
    read_checked,
    write,
)

__all__ = [
    "ballot_problems",
    "dumps",
    "format_number",
    "parse",
    "parse_checked",
    "read",
    "read_checked",
    "write",
]

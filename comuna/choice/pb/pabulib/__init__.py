"""Pabulib ``.pb`` files (the format of pabulib.org/format): read, check, write.

A file has three sections, in this order, each a line with its name and then ``;``-separated
rows whose first row names the columns::

    META                      key;value rows: budget, vote_type, max_length, ...
    PROJECTS                  project_id;cost;... one row per project
    VOTES                     voter_id;vote;... one row per voter (points for cumulative/scoring)

``reader`` parses a file into a ``PBInstance`` (every malformed thing a ``PBError`` naming
file:line and field); ``constraints`` finds the ballots that break the file's own META limits
(a policy question, answered by the caller); ``writer`` writes an instance back; ``numbers``
reads and writes exact numbers.
"""

from comuna.choice.pb.pabulib.constraints import ballot_problems
from comuna.choice.pb.pabulib.numbers import format_number
from comuna.choice.pb.pabulib.reader import parse, parse_checked, read, read_checked
from comuna.choice.pb.pabulib.writer import dumps, write

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

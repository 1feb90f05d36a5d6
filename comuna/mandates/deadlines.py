"""Deadlines of the mandates capability, gathered from its parts: a recall's report or vote, a
question's answer, a spokesperson's accounts. Each part registers sources; the body page flags
the overdue ones in red, the spokesperson's page lists them all.

A source is ``fn(body, mandate=None, today=date) -> Iterable[Due]``: the deadlines of the body
(every one when ``mandate`` is None, else those of that mandate). It returns data; pages put it
in words (``what`` is a lazy translatable string with its parameters already applied).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from comuna.territory.models import Body, Mandate


@dataclass(frozen=True)
class Due:
    what: str  # in the reader's language when rendered ("Comptroller's report on the recall of…")
    due_on: date
    url: str  # the page where it is done or followed
    mandate_id: int | None = None
    done: bool = False
    # deadlines of one kind ("accounts") are summed up in one line on the body page when many
    # are overdue at once; ``count``: how many such a summary line stands for
    kind: str = ""
    count: int = 1

    def overdue(self, today: date | None = None) -> bool:
        return not self.done and (today or timezone.localdate()) > self.due_on


Source = Callable[..., Iterable[Due]]
_SOURCES: list[Source] = []


def register(source: Source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def of_body(body: Body, today: date | None = None) -> list[Due]:
    """Every open deadline of the body, soonest first."""
    today = today or timezone.localdate()
    found = [d for source in _SOURCES for d in source(body, mandate=None, today=today)]
    return sorted((d for d in found if not d.done), key=lambda d: (d.due_on, str(d.what)))


def overdue(body: Body, today: date | None = None) -> list[Due]:
    today = today or timezone.localdate()
    return [d for d in of_body(body, today) if d.overdue(today)]


# kind -> (the summary's words for n overdue deadlines, the page listing them)
_SUMMARIES: dict[str, tuple[Callable[[int], str], Callable[[Body], str]]] = {}
SUMMED_OVER = 3  # more overdue deadlines of a kind than this make one line


def summarise(kind: str, words: Callable[[int], str], url: Callable[[Body], str]) -> None:
    """Declare how the body page sums up many overdue deadlines of ``kind`` in one line."""
    _SUMMARIES[kind] = (words, url)


def overdue_lines(body: Body, today: date | None = None) -> list[Due]:
    """The body page's red list: every overdue deadline, those of a summarised kind in one
    line (with their count and the earliest date) when there are more than ``SUMMED_OVER``."""
    found = overdue(body, today)
    lines: list[Due] = []
    for kind, (words, url) in _SUMMARIES.items():
        same = [d for d in found if d.kind == kind]
        if len(same) > SUMMED_OVER:
            found = [d for d in found if d.kind != kind]
            earliest = min(d.due_on for d in same)
            lines.append(Due(words(len(same)), earliest, url(body), kind=kind, count=len(same)))
    return sorted([*found, *lines], key=lambda d: (d.due_on, str(d.what)))


def of_mandate(mandate: Mandate, today: date | None = None) -> list[Due]:
    """The deadlines of one spokesperson's mandate, open and met, soonest first."""
    today = today or timezone.localdate()
    found = [d for source in _SOURCES for d in source(mandate.body, mandate=mandate, today=today)]
    return sorted(found, key=lambda d: (d.due_on, str(d.what)))

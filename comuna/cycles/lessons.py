"""The clearing house (``lesson.*``): what a project's team learned, kept and searchable.

- :func:`record`: once a project's execution is done or abandoned, its team (the spokespersons
  of its committee and the coordination collective) records one lesson: what happened, what
  worked, what did not, the costs against the estimate and advice for others. The lesson keeps
  the figures of that moment (the estimate, what was spent, the currency) and its outcome (the
  execution's status). Records ``lesson.recorded``; ``ledger verify`` re-reads the row.
- :func:`search`: one function over either engine's full-text index of ``search_text`` (the
  project's title, description, category in Spanish and English, place and body, and every
  field of the lesson, lower-cased and without accents): SQLite's FTS5 table
  ``cycles_lesson_fts`` ranked by bm25, or PostgreSQL's ``to_tsvector('spanish', ...)`` (the
  GIN index of migration 0004) ranked by ts_rank. The query is reduced to its words, lower-cased
  and without accents, so no quote, operator or length of it can break the statement.
- :func:`similar`: lessons of other bodies (and of the body's other cycles) sharing a word of a
  project's title or its category, for the project's page.

Only lessons the reader may read are ever returned (:func:`readable`): those of every body
whose statute makes its cycle public, and those of the bodies the reader belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comuna.cycles.cycle import refuse
from comuna.cycles.models import (
    Execution,
    ExecutionStatus,
    Lesson,
    LessonOutcome,
    NeedCategory,
    Project,
)
from comuna.cycles.rules import ExecutionAction
from comuna.ledger import record as record_entry
from comuna.ledger.checks import differs
from comuna.territory.actors import SystemActor, acting_user, actor_label
from comuna.territory.models import StatuteVersion
from comuna.territory.permissions import bodies_of, can, roles

CENT = Decimal("0.01")
TEXT_MAX = 10000
FIELDS = ("what_happened", "what_worked", "what_did_not", "cost_note", "advice")
ENDED = (ExecutionStatus.DONE, ExecutionStatus.ABANDONED)
FTS_TABLE = "cycles_lesson_fts"
# a query is cut to its first words, each to its first letters: enough for any real search,
# and nothing a 10,000-character query could make expensive
QUERY_CHARS = 1000
MOST_WORDS = 16
LONGEST_WORD = 64
WORD = re.compile(r"[^\W_]+")
# words of a title too common to say two projects are alike (after removing accents)
COMMON = frozenset(
    "para como entre sobre desde hasta donde cada todo toda todos todas este esta estos estas "
    "with from that this their pelo pela pelos pelas numa".split()
)


# --- text without accents --------------------------------------------------------------------


def plain(text: str) -> str:
    """``text`` lower-cased and without accents (NFKD, combining marks removed): how the index
    keeps text and how a query is compared with it (``tubería`` and ``TUBERIA`` are
    ``tuberia``)."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(query: Any) -> list[str]:
    """The words of a query, plain (:func:`plain`), each once, in order: letters and digits
    only, so quotes, ``*``, ``OR`` or ``NEAR(`` are text to find, never syntax; at most
    MOST_WORDS words of at most LONGEST_WORD characters."""
    found: list[str] = []
    for word in WORD.findall(plain(str(query or "")[:QUERY_CHARS])):
        word = word[:LONGEST_WORD]
        if word not in found:
            found.append(word)
        if len(found) == MOST_WORDS:
            break
    return found


def category_labels(code: str) -> list[str]:
    """The category's name in Spanish and in English (both searchable)."""
    if code not in NeedCategory.values:
        return []
    labels = []
    for language in ("es", "en"):
        with translation.override(language):
            labels.append(str(NeedCategory(code).label))
    return labels


def search_text(lesson: Lesson) -> str:
    """What the index holds for ``lesson``: its project's title, description, category (in
    Spanish and English) and place, its body's name, and every field of the lesson; plain."""
    execution = lesson.execution
    project = execution.project
    parts = [
        project.title,
        project.description,
        *category_labels(project.category),
        project.place,
        execution.budget.body.name,
        *(getattr(lesson, name) for name in FIELDS),
    ]
    return plain("\n".join(p for p in parts if p))


# --- recording -------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return format(Decimal(value).quantize(CENT), "f")


def payload(lesson: Lesson) -> dict[str, Any]:
    """What the ledger keeps of a lesson: every field, the outcome and the figures."""
    return {
        "lesson": lesson.pk,
        "execution": lesson.execution_id,
        "project": lesson.execution.project_id,
        "outcome": lesson.outcome,
        **{name: getattr(lesson, name) for name in FIELDS},
        "estimate": _money(lesson.estimate),
        "spent": _money(lesson.spent),
        "currency": lesson.currency,
    }


def _on_team(by: Any, execution: Execution) -> bool:
    from comuna.cycles import execution as executions

    return executions.on_team(by, execution)


def _texts(fields: dict[str, Any]) -> dict[str, str]:
    found = {}
    for name in FIELDS:
        text = str(fields.get(name) or "").strip()
        if len(text) > TEXT_MAX:
            raise refuse(_("At most %(n)s characters.") % {"n": TEXT_MAX}, name)
        found[name] = text
    if not found["what_happened"]:
        raise refuse(
            _("Say what happened with the project: it is what others will read first."),
            "what_happened",
        )
    return found


@transaction.atomic
def record(
    execution: Execution,
    *,
    what_happened: str,
    what_worked: str = "",
    what_did_not: str = "",
    cost_note: str = "",
    advice: str = "",
    by: Any,
) -> Lesson:
    """The project's team records what it learned, once the project is done or abandoned (one
    lesson per project). The estimate is the project's cost, what was spent the execution's
    total. Records ``lesson.recorded``."""
    from comuna.cycles import execution as executions

    actor = actor_label(by)
    execution = (
        Execution.objects.select_for_update(of=("self",))
        .select_related("budget__body", "project", "committee")
        .get(pk=execution.pk)
    )
    if execution.status not in ENDED:
        raise refuse(
            _("A lesson is recorded once the project is done or abandoned; it is %(status)s now.")
            % {"status": execution.get_status_display().lower()}
        )
    if not isinstance(by, SystemActor) and not (
        can(by, ExecutionAction.RECORD_LESSON, execution) and _on_team(by, execution)
    ):
        raise refuse(
            _(
                "Only the project's team (its committee's spokespersons and the coordination) "
                "records its lesson."
            )
        )
    if Lesson.objects.filter(execution=execution).exists():
        raise refuse(_("This project's lesson is already recorded."))
    texts = _texts(
        {
            "what_happened": what_happened,
            "what_worked": what_worked,
            "what_did_not": what_did_not,
            "cost_note": cost_note,
            "advice": advice,
        }
    )
    lesson = Lesson(
        execution=execution,
        outcome=LessonOutcome(execution.status),
        estimate=execution.project.cost,
        spent=executions.totals(execution).spent,
        currency=execution.currency,
        recorded_by=acting_user(by),
        **texts,
    )
    lesson.search_text = search_text(lesson)
    lesson.save()
    record_entry(
        execution.budget.body.ledger_chain, "lesson.recorded", payload(lesson), actor=actor
    )
    return lesson


# --- who reads what --------------------------------------------------------------------------


def readable(user: Any) -> QuerySet[Lesson]:
    """The lessons ``user`` (None or anonymous: the public) may read: every lesson of a body
    whose statute in force makes its cycle public, and every lesson of a body they belong to."""
    public = (
        StatuteVersion.objects.filter(body=OuterRef("execution__budget__body"))
        .order_by("-number")
        .values("cycle_public")[:1]
    )
    member_of: list[int] = []
    if user is not None and user.is_authenticated:
        member_of = [b.pk for b in bodies_of(user) if roles(user, b)]
    return (
        Lesson.objects.annotate(public=Subquery(public, output_field=BooleanField()))
        .filter(Q(public=True) | Q(execution__budget__body_id__in=member_of))
        .select_related("execution__project__cycle", "execution__budget__body")
    )


def may_read(user: Any, lesson: Lesson) -> bool:
    return readable(user).filter(pk=lesson.pk).exists()


# --- searching -------------------------------------------------------------------------------


def _matching(found: QuerySet[Lesson], query_words: list[str], *, any_word: bool):
    """``found`` annotated with ``matched`` (the text has every word of ``query_words``, or
    any with ``any_word``) and ``rank`` (higher is better on both engines), on
    the engine's own full-text index. The words are plain letters and digits (:func:`words`)
    and go in as parameters."""
    table = connection.ops.quote_name(Lesson._meta.db_table)
    if connection.vendor == "postgresql":
        vector = f"to_tsvector('spanish'::regconfig, {table}.search_text)"
        if any_word:
            query = " || ".join(["plainto_tsquery('spanish'::regconfig, %s)"] * len(query_words))
            params = list(query_words)
        else:
            query = "plainto_tsquery('spanish'::regconfig, %s)"
            params = [" ".join(query_words)]
        matched = RawSQL(f"{vector} @@ ({query})", params, output_field=BooleanField())
        rank = RawSQL(f"ts_rank({vector}, {query})", params, output_field=FloatField())
    else:
        fts = FTS_TABLE
        match = (" OR " if any_word else " ").join(f'"{w}"*' for w in query_words)
        matched = RawSQL(
            f"{table}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)",
            [match],
            output_field=BooleanField(),
        )
        # bm25 is lower for a better match; negated so that higher is better on both engines
        rank = RawSQL(
            f"(SELECT -bm25({fts}) FROM {fts} WHERE {fts} MATCH %s AND rowid = {table}.id)",
            [match],
            output_field=FloatField(),
        )
    return found.annotate(matched=matched, rank=rank)


def _filtered(
    found: QuerySet[Lesson],
    *,
    category: str | None,
    outcome: str | None,
    min_cost: Decimal | None,
    max_cost: Decimal | None,
    place: str | None,
) -> QuerySet[Lesson]:
    if category:
        found = found.filter(execution__project__category=category)
    if outcome:
        found = found.filter(outcome=outcome)
    if min_cost is not None:
        found = found.filter(estimate__gte=min_cost)
    if max_cost is not None:
        found = found.filter(estimate__lte=max_cost)
    place = str(place or "").replace("\x00", "").strip()[:200]  # PostgreSQL refuses NUL
    if place:
        found = found.filter(
            Q(execution__project__place__icontains=place)
            | Q(execution__budget__body__name__icontains=place)
        )
    return found


def search(
    query: Any,
    *,
    user: Any,
    category: str | None = None,
    outcome: str | None = None,
    min_cost: Decimal | None = None,
    max_cost: Decimal | None = None,
    place: str | None = None,
) -> QuerySet[Lesson]:
    """The lessons ``user`` may read that hold every word of ``query`` (each a prefix on
    SQLite, a Spanish stem on PostgreSQL; accents and case ignored), best match first, then
    the latest; every readable lesson, latest first, when the query has no word. Filters: the
    project's category, the outcome (done or abandoned), the estimate between ``min_cost`` and
    ``max_cost``, and a place (a part of the project's place or of its body's name)."""
    found = _filtered(
        readable(user),
        category=category,
        outcome=outcome,
        min_cost=min_cost,
        max_cost=max_cost,
        place=place,
    )
    query_words = words(query)
    if not query_words:
        return found.order_by("-recorded_at", "-pk")
    found = _matching(found, query_words, any_word=False).filter(matched=True)
    return found.order_by(F("rank").desc(nulls_last=True), "-recorded_at", "-pk")


def similar(project: Project, *, user: Any, limit: int = 5) -> list[Lesson]:
    """Lessons of other bodies' projects, and of the body's other cycles, that ``user`` may
    read and that share a word of ``project``'s title or its category: those sharing words
    first (sharing the category too before the others), then by rank and recency. Each lesson
    carries its estimate, what was spent and its advice."""
    title_words = [w for w in words(project.title) if len(w) >= 4 and w not in COMMON]
    if not title_words and not project.category:
        return []
    found = readable(user).exclude(execution__project__cycle_id=project.cycle_id)
    if project.category:
        same = Case(
            When(execution__project__category=project.category, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    else:
        same = Value(False, output_field=BooleanField())
    found = found.annotate(same_category=same)
    if title_words:
        found = _matching(found, title_words, any_word=True).filter(
            Q(matched=True) | Q(same_category=True)
        )
        order = ["-matched", "-same_category", F("rank").desc(nulls_last=True)]
    else:
        found = found.filter(same_category=True)
        order = []
    return list(found.order_by(*order, "-recorded_at", "-pk")[:limit])


# --- ledger verify ---------------------------------------------------------------------------


def check_recorded(entry) -> str | None:
    """The lesson's row as recorded: every field, the outcome and the figures."""
    lesson = (
        Lesson.objects.select_related("execution__budget__body")
        .filter(pk=entry.data.get("lesson"))
        .first()
    )
    if lesson is None or lesson.execution.budget.body.ledger_chain != entry.chain:
        return _("lesson %(lesson)s is missing from the database") % {
            "lesson": entry.data.get("lesson")
        }
    return differs(_("lesson"), lesson.pk, entry.data, payload(lesson), every_key=True)


LEDGER_CHECKS: dict = {
    "lesson.recorded": (check_recorded, gettext_lazy("Lesson of a project recorded")),
}

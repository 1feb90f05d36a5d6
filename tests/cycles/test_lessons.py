"""The clearing house's services: recording a project's lesson (only once it is done or
abandoned, only by its team, never empty), the ledger's check of it, and the one search
function over SQLite's FTS5 and PostgreSQL's full-text search (accents and case ignored, any
query harmless), the filters, who reads what, and similar projects elsewhere."""

from decimal import Decimal

import pytest
from django.db import connection

from comuna.cycles import lessons
from comuna.cycles.errors import CycleError
from comuna.cycles.models import ExecutionStatus, Lesson, LessonOutcome, Project
from comuna.ledger import entries, verify
from comuna.ledger.models import Entry
from comuna.territory import statutes
from tests.conftest import SETUP
from tests.cycles.lesson_factories import WATER, execution_in, lesson_in

ROAD = {
    "title": "Asfaltado de la calle 5",
    "description": "Tapar huecos y asfaltar 200 metros.",
    "category": "roads",
    "place": "Sector El Cují",
}
TEXTS = {
    "what_happened": "Se terminó en un mes.",
    "what_worked": "El trabajo voluntario de los sábados.",
    "what_did_not": "El camión llegó tarde.",
    "cost_note": "Costó lo estimado.",
    "advice": "Contratar el camión con anticipación.",
}


def _close_the_cycle_of(cast, body):
    statutes.amend(body, {"cycle_public": False}, by=SETUP)


def _titles(found):
    return sorted(lesson.execution.project.title for lesson in found)


# --- recording -------------------------------------------------------------------------------


def test_the_team_records_the_lesson_of_a_done_project_with_its_figures(cast):
    execution = execution_in(cast, ExecutionStatus.DONE, **WATER)
    lesson = lessons.record(execution, by=cast.spokesperson.user, **TEXTS)
    assert lesson.outcome == LessonOutcome.DONE
    assert lesson.estimate == Decimal("3000.00") and lesson.spent == Decimal("0.00")
    assert lesson.currency == execution.currency
    assert lesson.recorded_by == cast.spokesperson.user
    # the index's text: plain, with the project, its category in Spanish and English, the body
    assert "tuberia de la calle 3" in lesson.search_text
    assert "agua" in lesson.search_text and "water" in lesson.search_text
    assert "consejo a" in lesson.search_text and "camion" in lesson.search_text
    entry = entries(cast.council.ledger_chain).filter(kind="lesson.recorded").get()
    assert entry.data == {
        "lesson": lesson.pk,
        "execution": execution.pk,
        "project": execution.project_id,
        "outcome": "done",
        **TEXTS,
        "estimate": "3000.00",
        "spent": "0.00",
        "currency": execution.currency,
    }
    assert entry.actor == f"user:{cast.spokesperson.user.pk}"
    assert verify().ok


def test_an_abandoned_project_gets_its_lesson_too(cast):
    execution = execution_in(cast, ExecutionStatus.ABANDONED, **ROAD)
    lesson = lessons.record(execution, by=cast.comptroller.user, what_happened="No se hizo.")
    assert lesson.outcome == LessonOutcome.ABANDONED
    assert lesson.what_worked == "" and lesson.advice == ""


@pytest.mark.parametrize(
    "status", [ExecutionStatus.NOT_STARTED, ExecutionStatus.IN_PROGRESS, ExecutionStatus.PAUSED]
)
def test_a_lesson_is_refused_before_the_project_is_done_or_abandoned(cast, status):
    execution = execution_in(cast, ExecutionStatus.NOT_STARTED, **WATER)
    if status == ExecutionStatus.PAUSED:
        from comuna.cycles import execution as executions

        executions.set_status(execution, status="in_progress", by=SETUP)
        executions.set_status(execution, status="paused", reason="Lluvias.", by=SETUP)
    elif status == ExecutionStatus.IN_PROGRESS:
        from comuna.cycles import execution as executions

        executions.set_status(execution, status="in_progress", by=SETUP)
    before = Entry.objects.count()
    with pytest.raises(CycleError, match="done or abandoned"):
        lessons.record(execution, by=cast.spokesperson.user, **TEXTS)
    assert not Lesson.objects.exists() and Entry.objects.count() == before


@pytest.mark.parametrize("persona", ["resident", "electoral", "admin", "outsider", "substitute"])
def test_a_lesson_is_refused_to_anyone_outside_the_team(cast, persona):
    execution = execution_in(cast, ExecutionStatus.DONE, **WATER)
    before = Entry.objects.count()
    with pytest.raises(CycleError, match="team"):
        lessons.record(execution, by=cast.user(persona), **TEXTS)
    assert not Lesson.objects.exists() and Entry.objects.count() == before


def test_a_spokesperson_of_another_committee_is_not_on_the_team(cast):
    execution = execution_in(cast, ExecutionStatus.DONE, **WATER)
    execution.committee = cast.electoral_organ
    execution.save()
    with pytest.raises(CycleError, match="team"):
        lessons.record(execution, by=cast.spokesperson.user, **TEXTS)
    assert not Lesson.objects.exists()


@pytest.mark.parametrize("what_happened", ["", "   \n "])
def test_a_lesson_without_what_happened_is_refused_under_its_field(cast, what_happened):
    execution = execution_in(cast, ExecutionStatus.DONE, **WATER)
    before = Entry.objects.count()
    with pytest.raises(CycleError) as refused:
        lessons.record(
            execution, by=cast.spokesperson.user, **{**TEXTS, "what_happened": what_happened}
        )
    assert refused.value.field == "what_happened"
    assert not Lesson.objects.exists() and Entry.objects.count() == before


def test_a_too_long_field_is_refused_under_its_field(cast):
    execution = execution_in(cast, ExecutionStatus.DONE, **WATER)
    with pytest.raises(CycleError) as refused:
        lessons.record(execution, by=cast.spokesperson.user, **{**TEXTS, "advice": "a" * 10001})
    assert refused.value.field == "advice"
    assert not Lesson.objects.exists()


def test_a_project_has_one_lesson(cast):
    lesson = lesson_in(cast)
    with pytest.raises(CycleError, match="already recorded"):
        lessons.record(lesson.execution, by=cast.spokesperson.user, **TEXTS)
    assert Lesson.objects.count() == 1


@pytest.mark.parametrize(
    "column, value",
    [("advice", "Nada que decir."), ("spent", "1.00"), ("outcome", "abandoned")],
)
def test_ledger_verify_catches_a_lesson_edited_through_sql(cast, column, value):
    lesson = lesson_in(cast)
    assert verify().ok
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE cycles_lesson SET {column} = %s WHERE id = %s", [value, lesson.pk])
    report = verify()
    assert not report.ok
    assert f"lesson {lesson.pk}" in str(report) and column in str(report)


def test_comuna_ledger_verify_names_the_lesson_edited_through_sql(cast):
    from io import StringIO

    from django.core.management import CommandError, call_command

    lesson = lesson_in(cast)
    call_command("ledger", "verify", stdout=StringIO(), stderr=StringIO())
    Lesson.objects.filter(pk=lesson.pk).update(what_did_not="Todo salió bien.")
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ledger", "verify", stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 1
    assert "what_did_not" in f"{failure.value}\n{err.getvalue()}"


# --- searching -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["tubería", "tuberia", "TUBERÍA", "Tubéria", "tuber"])
def test_a_lesson_is_found_by_a_spanish_word_with_or_without_accents(cast, query):
    lesson_in(cast, project=WATER)
    lesson_in(cast, project=ROAD)
    found = list(lessons.search(query, user=None))
    assert _titles(found) == ["Tubería de la calle 3"]


def test_an_accented_query_finds_text_written_without_accents(cast):
    lesson_in(cast, project={**ROAD, "title": "Reparacion del camion"}, advice="Revisar el motor")
    found = list(lessons.search("camión reparación", user=None))
    assert _titles(found) == ["Reparacion del camion"]


def test_every_word_of_the_query_must_be_in_the_lesson(cast):
    lesson_in(cast, project=WATER)
    lesson_in(cast, project=ROAD)
    assert _titles(lessons.search("calle", user=None)) == [
        "Asfaltado de la calle 5",
        "Tubería de la calle 3",
    ]
    assert _titles(lessons.search("calle escuela", user=None)) == []
    assert _titles(lessons.search("calle asfaltado", user=None)) == ["Asfaltado de la calle 5"]


def test_a_word_of_any_field_of_the_lesson_finds_it(cast):
    lesson_in(cast, project=ROAD, what_did_not="La retroexcavadora se dañó.")
    for query in ("retroexcavadora", "Cují", "Roads", "vialidad", "asfaltar"):
        assert _titles(lessons.search(query, user=None)) == ["Asfaltado de la calle 5"], query


def test_the_better_match_comes_first(cast):
    lesson_in(cast, project=ROAD, advice="Tubería sólo una vez.")
    lesson_in(
        cast,
        project=WATER,
        what_happened="La tubería vieja, la tubería nueva, toda la tubería.",
    )
    found = list(lessons.search("tubería", user=None))
    assert [lesson.execution.project.title for lesson in found][0] == "Tubería de la calle 3"
    assert len(found) == 2


# (query, lessons it finds among one water lesson)
HOSTILE = [
    ('"', 1),
    ("*", 1),
    ("OR", 0),
    ("tubería OR", 0),  # "or" is a word to find, not an operator
    ("NEAR(", 0),
    ("NEAR(tubería calle", 0),
    ("'", 1),
    ("tubería'; DROP TABLE cycles_lesson; --", 0),
    ('"tubería"*', 1),
    ("AND NOT (", 0),
    ("^calle", 1),
    ("calle:3", 1),
    ("-tubería", 1),
    ("_", 1),
    ("\x00", 1),
    ("t" * 10000, 0),
    ("tubería " * 2000, 1),
    ("", 1),
    ("   ", 1),
    ("🙂 💧", 1),
    (None, 1),
    (12, 0),
]


@pytest.mark.parametrize("query, count", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_query_gives_results_or_none_and_never_raises(cast, query, count):
    lesson_in(cast, project=WATER)
    assert len(list(lessons.search(query, user=None))) == count


def test_a_query_with_no_word_lists_every_readable_lesson_latest_first(cast):
    first = lesson_in(cast, project=WATER)
    second = lesson_in(cast, project=ROAD)
    assert list(lessons.search("", user=None)) == [second, first]
    assert list(lessons.search('"*', user=None)) == [second, first]


def test_the_filters_category_outcome_cost_and_place(cast):
    water = lesson_in(cast, project={**WATER, "cost": Decimal("1200.00")})
    road = lesson_in(cast, project=ROAD)
    abandoned = lesson_in(
        cast,
        status=ExecutionStatus.ABANDONED,
        project={**ROAD, "title": "Cancha techada", "place": "Barrio Sucre"},
    )
    other = lesson_in(cast, body=cast.other, project={**WATER, "place": "Calle 9"})

    def found(**filters):
        return set(lessons.search("", user=None, **filters))

    assert found(category="water") == {water, other}
    assert found(category="roads") == {road, abandoned}
    assert found(outcome="abandoned") == {abandoned}
    assert found(outcome="done") == {water, road, other}
    assert found(max_cost=Decimal("1500")) == {water}
    assert found(min_cost=Decimal("1500")) == {road, abandoned, other}
    assert found(min_cost=Decimal("1200"), max_cost=Decimal("1200")) == {water}
    assert found(place="sucre") == {abandoned}
    assert found(place="Consejo B") == {other}
    assert found(place="calle") == {water, other}
    assert set(lessons.search("tubería", user=None, place="calle 9")) == {other}
    assert found(category="water", outcome="abandoned") == set()


# --- who reads what --------------------------------------------------------------------------


def test_a_lesson_of_a_body_that_keeps_its_cycle_closed_is_found_by_its_members_only(cast):
    closed = lesson_in(cast, body=cast.other, project=WATER)
    public = lesson_in(cast, project={**WATER, "title": "Tubería del barrio"})
    _close_the_cycle_of(cast, cast.other)
    assert set(lessons.search("tubería", user=None)) == {public}
    assert set(lessons.search("tubería", user=cast.resident.user)) == {public}
    assert set(lessons.search("", user=cast.resident.user)) == {public}
    assert set(lessons.search("tubería", user=cast.outsider.user)) == {public, closed}
    assert not lessons.may_read(cast.resident.user, closed)
    assert lessons.may_read(cast.outsider.user, closed)


# --- similar projects elsewhere --------------------------------------------------------------


def _new_project(cast, **fields):
    from tests.cycles.factories import project_in

    project = project_in(cast, "planning")
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    return project


def test_similar_projects_elsewhere_share_a_title_word_or_the_category(cast):
    water_b = lesson_in(cast, body=cast.other, project=WATER)
    road_b = lesson_in(cast, body=cast.other, project=ROAD)
    library = lesson_in(
        cast,
        body=cast.other,
        project={"title": "Biblioteca", "description": "Libros.", "category": "culture"},
    )
    project = _new_project(
        cast, title="Nueva tubería para la escuela", category="water", description="Tubos."
    )
    found = lessons.similar(project, user=None)
    assert found[0] == water_b
    assert library not in found and road_b not in found
    by_word = _new_project(cast, title="Asfaltado del sector norte", category="")
    assert lessons.similar(by_word, user=None) == [road_b]
    by_category = _new_project(cast, title="Cancha", category="culture")
    assert lessons.similar(by_category, user=None) == [library]


def test_similar_leaves_out_the_projects_own_cycle_and_closed_bodies(cast):
    mine = lesson_in(cast, project=WATER)
    other_cycle = lesson_in(cast, project={**WATER, "title": "Tubería de la escuela"})
    closed = lesson_in(cast, body=cast.other, project=WATER)
    _close_the_cycle_of(cast, cast.other)
    project = Project.objects.get(pk=mine.execution.project_id)
    assert lessons.similar(project, user=None) == [other_cycle]
    assert set(lessons.similar(project, user=cast.outsider.user)) == {other_cycle, closed}


def test_similar_gives_nothing_for_a_project_with_no_word_or_category(cast):
    lesson_in(cast, body=cast.other, project=WATER)
    project = _new_project(cast, title="De la", category="")
    assert lessons.similar(project, user=None) == []


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_on_postgresql_the_search_can_use_the_gin_index(cast):
    lesson_in(cast, project=WATER)
    found = lessons.search("tubería", user=None)
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cycles_lesson_search" in plan, plan

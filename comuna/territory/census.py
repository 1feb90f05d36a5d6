"""The electoral register derived from the census, and CSV import of the census."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comuna.territory.forms import HouseholdForm, ResidentForm
from comuna.territory.models import Body, CensusQuestion, Household, QuestionKind, Resident
from comuna.territory.statutes import current


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def years_before(day: date, years: int) -> date:
    return add_years(day, -years)


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def register(body: Body, on: date | None = None) -> QuerySet[Resident]:
    """Residents entitled to vote in ``body`` on ``on``: of voting age and resident long enough
    under the statute in force, living in the body or in any body federated into it."""
    on = on or timezone.localdate()
    statute = current(body)
    return Resident.objects.filter(
        body_id__in=body.descendant_ids(),
        birth_date__lte=years_before(on, statute.voting_age),
        resident_since__lte=months_before(on, statute.voter_residence_months),
    )


def may_stand(resident: Resident, body: Body, on: date | None = None) -> bool:
    """Whether a resident meets the statute's conditions to stand as spokesperson."""
    on = on or timezone.localdate()
    statute = current(body)
    return resident.age_on(on) >= statute.voting_age and resident.resident_since <= months_before(
        on, statute.candidate_residence_months
    )


# --- CSV import ------------------------------------------------------------------------------

HOUSEHOLD_COLUMNS = {
    "household_code": "code",
    "address": "address",
    "sector": "sector",
    "tenure": "tenure",
    "dwelling": "dwelling",
    "monthly_income": "monthly_income",
    "has_running_water": "has_running_water",
    "has_electricity": "has_electricity",
    "has_gas": "has_gas",
}
# a CSV column for every field of the resident form, named like the field
RESIDENT_COLUMNS = {name: name for name in ResidentForm.Meta.fields}
REQUIRED_COLUMNS = (
    "household_code",
    "address",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "resident_since",
)
BOOLEAN_FIELDS = {
    "has_running_water",
    "has_electricity",
    "has_gas",
    "is_household_head",
    "has_disability",
}
TRUE_WORDS = {"1", "true", "yes", "si", "sí", "s", "y", "x", "sim"}
FALSE_WORDS = {"0", "false", "no", "n", "não", "nao", ""}


@dataclass(frozen=True)
class RowError:
    line: int  # line of the file; the header is line 1
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, column “%(column)s”: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class CensusImportError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass(frozen=True)
class ImportResult:
    households: int
    residents: int


@dataclass
class PreparedImport:
    """A census file checked row by row, ready to save (by ``services.import_census``)."""

    body: Body
    existing: dict[str, Household]
    new_households: dict[str, tuple[int, HouseholdForm]]
    pending: list[tuple[int, str, ResidentForm]]

    def save(self) -> tuple[list[Household], list[Resident]]:
        """Save every row; call inside the transaction that records the import."""
        households = dict(self.existing)
        created: list[Household] = []
        for code, (_line, form) in self.new_households.items():
            households[code] = form.save()
            created.append(households[code])
        residents = []
        for _line, code, form in self.pending:
            form.instance.household = households[code]
            form.instance.body = self.body
            residents.append(form.save())
        return created, residents


def prepare_import(body: Body, data: bytes) -> PreparedImport:
    """Check every row of a census CSV file for ``body``; nothing is written.

    If any row is bad, raises :class:`CensusImportError` listing every problem with its line
    and column.
    """
    questions = list(CensusQuestion.objects.filter(body=body))
    rows, header_errors = _read_rows(data, {q.key for q in questions})
    if header_errors:
        raise CensusImportError(header_errors)
    errors: list[RowError] = []
    existing = {h.code: h for h in Household.objects.filter(body=body)}
    new_households: dict[str, tuple[int, HouseholdForm]] = {}
    pending: list[tuple[int, str, ResidentForm]] = []
    documents: dict[str, int] = {}

    for line, row in rows:
        for column in BOOLEAN_FIELDS & row.keys():
            if row[column].strip().lower() not in TRUE_WORDS | FALSE_WORDS:
                errors.append(
                    RowError(
                        line,
                        column,
                        _("write yes or no, not “%(value)s”") % {"value": row[column].strip()},
                    )
                )
        code = row.get("household_code", "").strip()
        household = existing.get(code)
        if household is None and code in new_households:
            first_line, first_form = new_households[code]
            if (
                first_form.is_valid()
                and row.get("address", "").strip() != first_form.cleaned_data["address"]
            ):
                errors.append(
                    RowError(
                        line,
                        "address",
                        _("household %(code)s already has another address on line %(first)s")
                        % {"code": code, "first": first_line},
                    )
                )
        elif household is None:
            form = HouseholdForm(
                data=_form_data(Household, HOUSEHOLD_COLUMNS, row, questions), body=body
            )
            if not form.is_valid():
                errors.extend(_form_errors(line, form, HOUSEHOLD_COLUMNS))
            new_households[code] = (line, form)
        placeholder = household or Household(body=body, code=code)
        resident_form = ResidentForm(
            data=_form_data(Resident, RESIDENT_COLUMNS, row, questions),
            household=placeholder,
        )
        if not resident_form.is_valid():
            errors.extend(_form_errors(line, resident_form, RESIDENT_COLUMNS))
        else:
            try:
                resident_form.instance.clean()
            except Exception as exc:  # ValidationError from model-level checks
                errors.extend(_validation_errors(line, exc))
        doc = row.get("document_id", "").strip()
        if doc:
            if doc in documents:
                errors.append(
                    RowError(
                        line,
                        "document_id",
                        _("the same identity document is already on line %(first)s")
                        % {"first": documents[doc]},
                    )
                )
            else:
                documents[doc] = line
        pending.append((line, code, resident_form))

    if errors:
        raise CensusImportError(sorted(errors, key=lambda e: e.line))
    return PreparedImport(body, existing, new_households, pending)


def _read_rows(
    data: bytes, question_keys: set[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [RowError(line, "", _("the file is not UTF-8 text; save it as CSV UTF-8"))]
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [RowError(1, "", _("the file is empty"))]
    errors = [
        RowError(1, col, _("required column is missing"))
        for col in REQUIRED_COLUMNS
        if col not in header
    ]
    known = set(HOUSEHOLD_COLUMNS) | set(RESIDENT_COLUMNS) | question_keys
    errors += [RowError(1, col, _("unknown column")) for col in header if col not in known]
    dupes = {c for c in header if header.count(c) > 1}
    errors += [RowError(1, col, _("column appears twice")) for col in sorted(dupes)]
    if errors:
        return [], errors
    rows: list[tuple[int, dict[str, str]]] = []
    limit = settings.CENSUS_IMPORT_MAX_ROWS
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.append(
                    RowError(
                        line,
                        "",
                        _("%(found)s fields where the header has %(expected)s")
                        % {"found": len(values), "expected": len(header)},
                    )
                )
                continue
            rows.append((line, dict(zip(header, values, strict=True))))
            if len(rows) > limit:
                return [], [
                    RowError(line, "", _("more than %(n)s rows; split the file") % {"n": limit})
                ]
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", str(exc)))
    if not rows and not errors:
        errors.append(RowError(2, "", _("the file has a header but no residents")))
    return rows, errors


def _form_data(
    model, columns: dict[str, str], row: dict[str, str], questions: list[CensusQuestion]
) -> dict[str, object]:
    """Form data from a CSV row; a column left out or blank takes the model's default.
    The body's own questions are answered by the columns named after their keys."""
    data: dict[str, object] = {}
    for q in questions:
        value = row.get(q.key, "").strip()
        if q.kind == QuestionKind.YES_NO and value:
            low = value.lower()
            value = "yes" if low in TRUE_WORDS else "no" if low in FALSE_WORDS else value
        data[f"q_{q.key}"] = value
    for column, field in columns.items():
        value = row.get(column, "").strip()
        model_field = model._meta.get_field(field)
        if not value and model_field.has_default():
            data[field] = model_field.get_default()
        elif field in BOOLEAN_FIELDS:
            data[field] = value.lower() in TRUE_WORDS  # unknown words are reported by import_csv
        else:
            data[field] = value
    return data


def _form_errors(line: int, form, columns: dict[str, str]) -> list[RowError]:
    by_field = {f: c for c, f in columns.items()}
    return [
        RowError(line, by_field.get(field, field.removeprefix("q_")), " ".join(map(str, messages)))
        for field, messages in form.errors.items()
    ]


def _validation_errors(line: int, exc) -> list[RowError]:
    out = []
    for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
        out.append(RowError(line, field, " ".join(messages)))
    return out

"""The electoral register derived from the census, and CSV import of the census."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from comuna.territory.forms import HouseholdForm, ResidentForm
from comuna.territory.models import (
    Body,
    CensusQuestion,
    Household,
    Mandate,
    QuestionKind,
    Resident,
)
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


def households_matching(body: Body, query: str = "") -> QuerySet[Household]:
    """The body's households whose code or address holds ``query``, or with a resident whose
    name holds it or whose document is it; each with ``n_residents``, ordered by code (the
    census page and the API's census)."""
    matching = body.households.all()
    if query:
        # matched in a subquery, so counting residents below joins each household's own
        # residents once (a join on the matching residents multiplied the count)
        found = Household.objects.filter(body=body).filter(
            Q(code__icontains=query)
            | Q(address__icontains=query)
            | Q(residents__family_name__icontains=query)
            | Q(residents__given_name__icontains=query)
            | Q(residents__document_id=query)
        )
        matching = matching.filter(pk__in=found.values("pk"))
    return matching.annotate(n_residents=Count("residents")).order_by("code")


def organs_with_spokespersons(body: Body) -> QuerySet:
    """The body's organs with their committees, each with its mandates in force and their
    residents (the public body page and the API's body)."""
    active = Mandate.objects.active().select_related("resident")
    return body.organs.filter(parent__isnull=True).prefetch_related(
        Prefetch("mandates", queryset=active),
        "committees",
        Prefetch("committees__mandates", queryset=active),
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

# The names each column is accepted under, by language (English first: the canonical name).
# Headers are compared without case or accents, reading spaces and hyphens as underscores,
# so "Fecha de nacimiento" and "DATA-NASCIMENTO" are found too.
COLUMN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "household_code": {
        "es": ("codigo_hogar", "codigo_familia", "hogar"),
        "pt": ("codigo_domicilio", "codigo_familia", "domicilio"),
    },
    "address": {"es": ("direccion",), "pt": ("endereco",)},
    "sector": {"es": ("sector",), "pt": ("setor",)},
    "tenure": {"es": ("tenencia", "tenencia_vivienda"), "pt": ("posse", "posse_moradia")},
    "dwelling": {"es": ("vivienda", "tipo_vivienda"), "pt": ("moradia", "tipo_moradia")},
    "monthly_income": {"es": ("ingreso_mensual",), "pt": ("renda_mensal",)},
    "has_running_water": {"es": ("agua_corriente", "agua"), "pt": ("agua_encanada",)},
    "has_electricity": {"es": ("electricidad", "luz"), "pt": ("eletricidade", "energia")},
    "has_gas": {"es": ("gas_domestico", "gas"), "pt": ("gas_de_cozinha", "gas")},
    "given_name": {"es": ("nombres", "nombre"), "pt": ("nome", "prenome")},
    "family_name": {"es": ("apellidos", "apellido"), "pt": ("sobrenome",)},
    "document_id": {
        "es": ("cedula", "documento", "documento_identidad"),
        "pt": ("documento_identidade", "cpf", "rg"),
    },
    "birth_date": {
        "es": ("fecha_nacimiento", "fecha_de_nacimiento"),
        "pt": ("data_nascimento", "data_de_nascimento"),
    },
    "sex": {"es": ("sexo",), "pt": ("sexo",)},
    "resident_since": {
        "es": ("reside_desde", "residente_desde", "vive_desde"),
        "pt": ("mora_desde", "morador_desde", "reside_desde"),
    },
    "is_household_head": {
        "es": ("jefe_hogar", "jefe_de_hogar", "jefa_de_hogar"),
        "pt": ("chefe_familia", "chefe_de_familia", "responsavel_familiar"),
    },
    "occupation": {"es": ("ocupacion", "oficio"), "pt": ("ocupacao", "profissao")},
    "education": {"es": ("educacion", "nivel_educativo"), "pt": ("escolaridade", "educacao")},
    "has_disability": {"es": ("discapacidad",), "pt": ("deficiencia",)},
    "public_office": {
        "es": ("cargo_publico", "cargo_de_eleccion_popular"),
        "pt": ("cargo_publico", "mandato_eletivo"),
    },
    "phone": {"es": ("telefono",), "pt": ("telefone", "celular")},
    "email": {"es": ("correo", "correo_electronico"), "pt": ("e_mail", "correio_eletronico")},
}
# columns whose values are codes: the field's choices, accepted as the code or as its label in
# any of our languages, without case or accents
CODED_COLUMNS = ("tenure", "dwelling", "sex", "education")
LANGUAGES = ("en", "es", "pt")


def normal_name(text: str) -> str:
    """A header or code as compared: lower case, no accents, spaces and hyphens as "_"."""
    plain = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", plain)


def column_names(column: str) -> list[str]:
    """Every name ``column`` is accepted under, the canonical one first, none twice."""
    names = [column]
    for language in ("es", "pt"):
        names += COLUMN_NAMES.get(column, {}).get(language, ())
    return list(dict.fromkeys(names))


def column_name_in(column: str, language: str) -> str:
    """The name a file written in ``language`` gives the column (its first name there)."""
    names = COLUMN_NAMES.get(column, {}).get(language[:2], ())
    return names[0] if names else column


def _column_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in [*HOUSEHOLD_COLUMNS, *RESIDENT_COLUMNS]:
        for name in column_names(column):
            key = normal_name(name)
            if lookup.setdefault(key, column) != column:
                raise ImproperlyConfigured(f"census column name {name!r} is given to two columns")
    return lookup


def code_choices(column: str) -> list[tuple[str, str]]:
    """(code, meaning in the current language) for a coded column."""
    field = _model_field(column)
    return [(str(code), str(label)) for code, label in field.choices]


def _model_field(column: str):
    if column in HOUSEHOLD_COLUMNS:
        return Household._meta.get_field(HOUSEHOLD_COLUMNS[column])
    return Resident._meta.get_field(RESIDENT_COLUMNS[column])


def _code_lookup(column: str) -> dict[str, str]:
    """Every accepted spelling of the column's codes (normalised) -> the code."""
    lookup: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in code_choices(column):
                lookup.setdefault(normal_name(label), code)
    for code, _label in code_choices(column):
        lookup[normal_name(code)] = code
    return lookup


def import_guide() -> dict[str, object]:
    """What the import page tells: every column with its accepted names, whether it is
    required and what it holds, and every code with its meaning (in the current language)."""
    return {
        "columns": [
            {
                "name": column,
                "names": column_names(column),
                "required": column in REQUIRED_COLUMNS,
                "label": str(_model_field(column).verbose_name),
            }
            for column in [*HOUSEHOLD_COLUMNS, *RESIDENT_COLUMNS]
        ],
        "codes": [
            {
                "name": column,
                "label": str(_model_field(column).verbose_name),
                "choices": code_choices(column),
            }
            for column in CODED_COLUMNS
        ],
        "yes_words": sorted(w for w in TRUE_WORDS if w),
        "no_words": sorted(w for w in FALSE_WORDS if w),
    }


# The sample file offered on the import page: two households, three residents.
SAMPLE_ROWS = [
    {
        "household_code": "LAS-001",
        "address": "Calle 3, casa 12",
        "sector": "El Cují",
        "tenure": "owned",
        "dwelling": "house",
        "monthly_income": "450.00",
        "has_running_water": "yes",
        "has_electricity": "yes",
        "has_gas": "no",
        "given_name": "María José",
        "family_name": "Pérez Rondón",
        "document_id": "V-12345678",
        "birth_date": "1978-04-21",
        "sex": "F",
        "resident_since": "1999-06-01",
        "is_household_head": "yes",
        "occupation": "Docente",
        "education": "university",
        "has_disability": "no",
        "phone": "0414-5550101",
        "email": "maria@example.org",
    },
    {
        "household_code": "LAS-001",
        "address": "Calle 3, casa 12",
        "given_name": "Luis",
        "family_name": "Pérez Rondón",
        "birth_date": "2008-11-02",
        "sex": "M",
        "resident_since": "2008-11-02",
        "is_household_head": "no",
        "education": "secondary",
        "has_disability": "no",
    },
    {
        "household_code": "LAS-002",
        "address": "Vereda 5, casa 2",
        "sector": "El Cují",
        "tenure": "rented",
        "dwelling": "apartment",
        "has_running_water": "yes",
        "has_electricity": "yes",
        "has_gas": "yes",
        "given_name": "Ramón",
        "family_name": "Peraza",
        "document_id": "V-9876543",
        "birth_date": "1961-01-30",
        "sex": "M",
        "resident_since": "2015-03-15",
        "is_household_head": "yes",
        "occupation": "Agricultor",
        "education": "primary",
        "has_disability": "yes",
    },
]


def sample_csv(language: str = "en") -> str:
    """The sample file, its header in ``language`` (every name is accepted in every
    language)."""
    columns = [*HOUSEHOLD_COLUMNS, *RESIDENT_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column_name_in(c, language) for c in columns])
    for row in SAMPLE_ROWS:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


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


# A file's problems are listed up to this many; the page says how many more there are.
MAX_LISTED_ERRORS = 100
# The widest header and the longest field read: a census has some 25 columns, and no field
# of a household or resident holds more than a few hundred characters.
MAX_COLUMNS = 200
MAX_FIELD_CHARS = 1000


class CensusImportError(Exception):
    """What is wrong with a census file: ``errors`` lists the first ``MAX_LISTED_ERRORS``
    problems (by line), ``total`` counts them all."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors[:MAX_LISTED_ERRORS]
        self.total = max(total or 0, len(errors))
        super().__init__("; ".join(str(e) for e in errors[:5]))

    @property
    def unlisted(self) -> int:
        return self.total - len(self.errors)


class _Problems:
    """The problems found so far: the first ``MAX_LISTED_ERRORS`` kept, the rest counted."""

    def __init__(self) -> None:
        self.listed: list[RowError] = []
        self.total = 0

    def add(self, error: RowError) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED_ERRORS:
            self.listed.append(error)

    def extend(self, errors: list[RowError]) -> None:
        for e in errors:
            self.add(e)

    def __bool__(self) -> bool:
        return self.total > 0

    def error(self) -> CensusImportError:
        return CensusImportError(sorted(self.listed, key=lambda e: e.line), self.total)


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
    rows, problems, written = _read_rows(data, {q.key for q in questions})
    if problems:
        raise problems.error()
    try:
        return _prepare_rows(body, rows, questions)
    except CensusImportError as exc:
        # name each column as the file names it ("fecha_nacimiento", not "birth_date")
        raise CensusImportError(
            [RowError(e.line, written.get(e.column, e.column), e.message) for e in exc.errors],
            exc.total,
        ) from None


def _prepare_rows(
    body: Body, rows: list[tuple[int, dict[str, str]]], questions: list[CensusQuestion]
) -> PreparedImport:
    errors = _Problems()
    codes = {column: _code_lookup(column) for column in CODED_COLUMNS}
    existing = {h.code: h for h in Household.objects.filter(body=body)}
    new_households: dict[str, tuple[int, HouseholdForm]] = {}
    pending: list[tuple[int, str, ResidentForm]] = []
    documents: dict[str, int] = {}

    for line, row in rows:
        for column in codes.keys() & row.keys():
            value = row[column].strip()
            row[column] = codes[column].get(normal_name(value), value)
        for column in BOOLEAN_FIELDS & row.keys():
            if row[column].strip().lower() not in TRUE_WORDS | FALSE_WORDS:
                errors.add(
                    RowError(
                        line,
                        column,
                        _("write yes or no, not “%(value)s”")
                        % {"value": Truncator(row[column].strip()).chars(40)},
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
                errors.add(
                    RowError(
                        line,
                        "address",
                        _("household %(code)s already has another address on line %(first)s")
                        % {"code": code, "first": first_line},
                    )
                )
        elif household is None:
            form = HouseholdForm(
                data=_form_data(Household, HOUSEHOLD_COLUMNS, row, questions),
                body=body,
                questions=questions,
            )
            if not form.is_valid():
                errors.extend(_form_errors(line, form, HOUSEHOLD_COLUMNS))
            new_households[code] = (line, form)
        placeholder = household or Household(body=body, code=code)
        resident_form = ResidentForm(
            data=_form_data(Resident, RESIDENT_COLUMNS, row, questions),
            household=placeholder,
            questions=questions,
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
                errors.add(
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
        raise errors.error()
    return PreparedImport(body, existing, new_households, pending)


def _read_rows(
    data: bytes, question_keys: set[str]
) -> tuple[list[tuple[int, dict[str, str]]], _Problems, dict[str, str]]:
    """The rows of the file, keyed by canonical column names; the problems of its header and
    shape; and how the file names each column. Linear in the file: every line is read once,
    and reading stops at the first sign that the file is beyond the limits."""
    problems = _Problems()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(RowError(line, "", _("the file is not UTF-8 text; save it as CSV UTF-8")))
        return [], problems, {}
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        written_header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.add(RowError(1, "", _("the file is empty")))
        return [], problems, {}
    except csv.Error:
        problems.add(RowError(1, "", _unreadable_line()))
        return [], problems, {}
    if len(written_header) > MAX_COLUMNS:
        problems.add(
            RowError(
                1,
                "",
                _("the header has %(found)s columns; a census file has at most %(max)s")
                % {"found": len(written_header), "max": MAX_COLUMNS},
            )
        )
        return [], problems, {}
    lookup = _column_lookup() | {normal_name(k): k for k in question_keys}
    header = [lookup.get(normal_name(h), h) for h in written_header]
    written = dict(zip(header, written_header, strict=True))
    for col in REQUIRED_COLUMNS:
        if col not in header:
            problems.add(RowError(1, col, _("required column is missing")))
    for h in written_header:
        if normal_name(h) not in lookup:
            problems.add(RowError(1, Truncator(h).chars(40), _("unknown column")))
    spellings: dict[str, list[str]] = {}
    for w, c in zip(written_header, header, strict=True):
        spellings.setdefault(c, []).append(w)
    for col in sorted(c for c, names in spellings.items() if len(names) > 1):
        problems.add(
            RowError(
                1,
                " / ".join(Truncator(w).chars(40) for w in spellings[col]),
                _("column appears twice"),
            )
        )
    if problems:
        return [], problems, written
    rows: list[tuple[int, dict[str, str]]] = []
    limit = settings.CENSUS_IMPORT_MAX_ROWS
    seen = 0  # rows that are not blank, good or bad: the limit counts them all
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            seen += 1
            if seen > limit:
                too_many = _("more than %(n)s rows; split the file") % {"n": limit}
                return [], _single(RowError(line, "", too_many)), written
            longest = max(map(len, values))
            if longest > MAX_FIELD_CHARS:
                problems.add(
                    RowError(
                        line,
                        "",
                        _("a field of %(found)s characters; a field holds at most %(max)s")
                        % {"found": longest, "max": MAX_FIELD_CHARS},
                    )
                )
            elif len(values) != len(header):
                problems.add(
                    RowError(
                        line,
                        "",
                        _("%(found)s fields where the header has %(expected)s")
                        % {"found": len(values), "expected": len(header)},
                    )
                )
            else:
                rows.append((line, dict(zip(header, values, strict=True))))
    except csv.Error:
        problems.add(RowError(reader.line_num, "", _unreadable_line()))
    if not rows and not problems:
        problems.add(RowError(2, "", _("the file has a header but no residents")))
    return rows, problems, written


def _single(error: RowError) -> _Problems:
    problems = _Problems()
    problems.add(error)
    return problems


def _unreadable_line() -> str:
    # csv's own words (a field over its limit, a stray quote) are English and technical
    return _("this line cannot be read as CSV: a field is too long or a quotation mark is missing")


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

"""What the ledger keeps of territory rows: a keyed digest per row, never the personal data.

Each service that changes a household, a resident, a census question or a mandate records the
row's id and its digest (HMAC-SHA256 under the body's ``digest_key`` of the row's fields as
canonical JSON) in the body's chain. The public can see that resident 17 changed on a given day,
not what changed, and cannot confirm a guess of anyone's data without the key. ``ledger verify``
re-derives every digest from the database: a row edited, added or removed behind the services'
back (through SQL) no longer matches the last digest its chain recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from comuna.ledger import canonical_json, entries
from comuna.territory.models import Body, CensusQuestion, Household, Mandate, Organ, Resident

# The fields each digest covers. Never change a list: every digest already recorded was taken
# over it (a field added to a model later goes in its table's ``later``, with the value every
# row held before, which leaves the digests of rows holding it unchanged).
HOUSEHOLD_FIELDS = (
    "code",
    "address",
    "sector",
    "tenure",
    "dwelling",
    "monthly_income",
    "has_running_water",
    "has_electricity",
    "has_gas",
    "extra",
)
RESIDENT_FIELDS = (
    "household_id",
    "user_id",
    "given_name",
    "family_name",
    "document_id",
    "birth_date",
    "sex",
    "resident_since",
    "is_household_head",
    "occupation",
    "education",
    "has_disability",
    "phone",
    "email",
    "extra",
)
QUESTION_FIELDS = ("target", "key", "label", "kind", "choices", "required", "position")
# the entry kind of a body federated into a body founded after it (its parent changed)
FEDERATED = "federation.joined"
ORGAN_FIELDS = ("kind", "name", "parent_id", "seats", "position")
MANDATE_FIELDS = (
    "organ_id",
    "resident_id",
    "kind",
    "starts_on",
    "ends_on",
    "end_reason",
    "statute_id",
)


@dataclass(frozen=True)
class Table:
    """A kind of row whose state the ledger tracks, and how to find a body's rows of it."""

    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    of_body: Callable[[Body], models.QuerySet]
    # fields added after rows were first recorded, with the value every earlier row holds: a
    # row holding that value is digested without the field, so earlier digests stay true
    later: dict[str, Any] = field(default_factory=dict)

    @property
    def read(self) -> tuple[str, ...]:
        return (*self.fields, *self.later)


# What verify calls each kind of row, in the reader's language ("resident 17 differs ...").
LABELS = {
    "household": pgettext_lazy("ledger row", "household"),
    "resident": pgettext_lazy("ledger row", "resident"),
    "question": pgettext_lazy("ledger row", "census question"),
    "organ": pgettext_lazy("ledger row", "organ"),
    "mandate": pgettext_lazy("ledger row", "mandate"),
}


TABLES = {
    t.name: t
    for t in [
        Table("household", Household, HOUSEHOLD_FIELDS, lambda b: Household.objects.filter(body=b)),
        Table(
            "resident",
            Resident,
            RESIDENT_FIELDS,
            lambda b: Resident.objects.filter(body=b),
            later={"public_office": ""},
        ),
        Table(
            "question",
            CensusQuestion,
            QUESTION_FIELDS,
            lambda b: CensusQuestion.objects.filter(body=b),
        ),
        Table(
            "organ",
            Organ,
            ORGAN_FIELDS,
            lambda b: Organ.objects.filter(body=b),
            later={"counting": "uninominal"},
        ),
        Table(
            "mandate",
            Mandate,
            MANDATE_FIELDS,
            lambda b: Mandate.objects.filter(body=b),
            later={"seat_id": None},
        ),
    ]
}
TABLE_OF_MODEL = {t.model: t for t in TABLES.values()}

# Every ledger kind whose payload carries "rows": [[table, id, digest], ...], with its label
ROW_KINDS = {
    "census.household": gettext_lazy("Census: household saved"),
    "census.resident": gettext_lazy("Census: resident saved"),
    "census.question": gettext_lazy("Census: question saved"),
    "census.imported": gettext_lazy("Census: file imported"),
    "census.login_linked": gettext_lazy("Census: login made from an invitation"),
    "census.login_unlinked": gettext_lazy("Census: login unlinked"),
    "organ.created": gettext_lazy("Organ created"),
    "mandate.conferred": gettext_lazy("Mandate conferred"),
    "mandate.ended": gettext_lazy("Mandate ended"),
    "mandate.replaced": gettext_lazy("Seat taken by a substitute"),
    "mandate.seats_declared": gettext_lazy("Seats declared"),
}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def digest(body: Body, table: str, values: dict[str, Any]) -> str:
    """HMAC-SHA256 of one row's fields under the body's key (hex)."""
    text = canonical_json({"table": table, **{k: _plain(v) for k, v in values.items()}})
    return hmac.new(bytes.fromhex(body.digest_key), text.encode(), hashlib.sha256).hexdigest()


def row(body: Body, obj: models.Model) -> list[Any]:
    """``[table, id, digest]`` of a saved row, as a ledger payload lists it."""
    table = TABLE_OF_MODEL[type(obj)]
    values = {f: _as_stored(obj, f) for f in table.fields}
    for name, before in table.later.items():
        value = _as_stored(obj, name)
        if value != before:
            values[name] = value
    return [table.name, obj.pk, digest(body, table.name, values)]


def _as_stored(obj: models.Model, name: str) -> Any:
    """The value as the database gives it back (a form leaves Decimal("40"), the column
    holds 40.00), so a digest taken on saving equals one taken on reading."""
    value = getattr(obj, name)
    model_field = obj._meta.get_field(name)
    if isinstance(model_field, models.DecimalField) and value is not None:
        # + 0 turns -0 into 0, as the database stores it
        return Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places)) + 0
    return value


def rows(body: Body, objs: Iterable[models.Model]) -> list[list[Any]]:
    return [row(body, obj) for obj in objs]


def register_digest(body: Body, resident_ids: Iterable[int]) -> str:
    """Keyed digest of a frozen register (the sorted resident ids on it)."""
    text = canonical_json({"register": sorted(resident_ids)})
    return hmac.new(bytes.fromhex(body.digest_key), text.encode(), hashlib.sha256).hexdigest()


# --- verify ----------------------------------------------------------------------------------


def body_of_chain(chain: str) -> Body | None:
    prefix, _sep, pk = chain.partition(":")
    if prefix != "body" or not pk.isdigit():
        return None
    return Body.objects.filter(pk=int(pk)).first()


def check_rows_entry(entry) -> str | None:
    """Per entry: its rows are well formed and name tables the territory tracks."""
    listed = entry.data.get("rows") if isinstance(entry.data, dict) else None
    if not isinstance(listed, list):
        return _("it lists no rows")
    for item in listed:
        if (
            not isinstance(item, list)
            or len(item) != 3
            or item[0] not in TABLES
            or not isinstance(item[1], int)
        ):
            return _("it lists a malformed row %(row)s") % {"row": json.dumps(item)}
    return None


def check_rows_match_database(chain: str) -> list[tuple[int, str, str]]:
    """The chain's last digest of every tracked row equals the row's digest now, and every
    tracked row of the body has an entry."""
    body = body_of_chain(chain)
    if body is None:
        return []
    last: dict[tuple[str, int], tuple[int, str, str]] = {}
    for entry in entries(chain).filter(kind__in=list(ROW_KINDS)).only("seq", "kind", "payload"):
        data = entry.data
        for item in data.get("rows", []) if isinstance(data, dict) else []:
            if isinstance(item, list) and len(item) == 3:
                last[(item[0], item[1])] = (entry.seq, entry.kind, item[2])
    problems: list[tuple[int, str, str]] = []
    for table in TABLES.values():
        present = set()
        for obj in table.of_body(body).only("pk", *table.read).order_by("pk"):
            present.add(obj.pk)
            _name, pk, now = row(body, obj)
            recorded = last.get((table.name, pk))
            if recorded is None:
                problems.append(
                    (
                        0,
                        "",
                        _("%(table)s %(id)s is in the database but no entry records it")
                        % {"table": LABELS[table.name], "id": pk},
                    )
                )
            elif recorded[2] != now:
                problems.append(
                    (
                        recorded[0],
                        recorded[1],
                        _("%(table)s %(id)s differs from the state this entry recorded")
                        % {"table": LABELS[table.name], "id": pk},
                    )
                )
        for (name, pk), (seq, kind, _digest) in last.items():
            if name == table.name and pk not in present:
                problems.append(
                    (
                        seq,
                        kind,
                        _("%(table)s %(id)s was recorded here but is gone from the database")
                        % {"table": LABELS[name], "id": pk},
                    )
                )
    return problems


def check_body_created(entry) -> str | None:
    """The body an entry says was created is the body of this chain, of the recorded kind."""
    body = body_of_chain(entry.chain)
    data = entry.data if isinstance(entry.data, dict) else {}
    if body is None:
        return _("the body of this chain is missing from the database")
    parent = body.parent.slug if body.parent_id else None
    # a body federated into one founded later (a founding referendum) was created under the
    # parent it had then; that entry's own check answers for the move
    if entries(entry.chain).filter(kind=FEDERATED, seq__gt=entry.seq).exists():
        parent = data.get("parent")
    if (body.slug, body.kind, body.name, parent) != (
        data.get("body"),
        data.get("kind"),
        data.get("name"),
        data.get("parent"),
    ):
        return _(
            "the body of this chain is not the one recorded (%(slug)s, %(kind)s, %(name)s, "
            "federated into %(parent)s)"
        ) % {
            "slug": data.get("body"),
            "kind": data.get("kind"),
            "name": data.get("name"),
            "parent": data.get("parent") or "-",
        }
    return None


def check_body_has_its_chain(chain: str) -> list[tuple[int, str, str]]:
    """A body's chain starts with its creation: a body slipped in with SQL has no such entry."""
    body = body_of_chain(chain)
    if body is None:
        return []
    first = entries(chain).only("kind").first()
    if first is None or first.kind != "body.created":
        return [(0, "", _("this body is in the database but no entry records its creation"))]
    return []

"""The parliament pages' probes for tests/web/test_permission_matrix.py (PROBES: page name ->
Probe) and their sample URLs for tests/web/test_reads_never_write.py (urls(cast) -> page name ->
URLs; api_urls(cast) for the API's).

Every form is a member's (council A's, where the personas hold their roles): the commune's
parliament gets its seats declared first (the cast's parliamentarian then holds council A's
seat), and council A an assembly in session for the motion to go to (``_ready``)."""

from __future__ import annotations

from django.urls import reverse

from comuna.assemblies import attendance, decisions
from comuna.assemblies.models import Assembly, Status
from comuna.federation import initiatives, parliament
from comuna.federation.models import Initiative
from comuna.territory.models import Seat
from tests.conftest import SETUP
from tests.federation.parliament_fixtures import in_session, session
from tests.web.probes import Probe


def _ready(cast, obj=None):
    """Seats declared in the commune's parliament, and council A's assembly in session."""
    if not Seat.objects.filter(organ=cast.parliament).exists():
        parliament.declare_member_seats(cast.commune, organisations=["Cooperativa"], by=SETUP)
    if not Assembly.objects.filter(body=cast.council, status=Status.IN_SESSION).exists():
        in_session(cast.council)
    return {}


def _assembly(cast):
    return str(Assembly.objects.filter(body=cast.council, status=Status.IN_SESSION).first().pk)


def _matter(cast, obj):
    """A matter council B raised: council A may raise it too."""
    _ready(cast)
    found = Initiative.objects.first() or initiatives.raise_matter(
        cast.commune, title="Agua", member=cast.other, assembly=in_session(cast.other), by=SETUP
    )
    return {"initiative": found.pk}


def _own_matter(cast, obj):
    """A matter council A raised, no other member's assembly has raised it too."""
    _ready(cast)
    found = Initiative.objects.filter(started_by=cast.council).first() or initiatives.raise_matter(
        cast.commune,
        title="Alumbrado",
        member=cast.council,
        assembly=in_session(cast.council),
        by=SETUP,
    )
    return {"initiative": found.pk}


def _decision(cast, obj):
    """A carried decision of a session of the commune's parliament."""
    _ready(cast)
    held = session(cast.commune)
    attendance.record_presence(held, cast.parliamentarian, by=SETUP)
    motion = decisions.propose_motion(held.items.get(), text="Comprar un camión", by=SETUP)
    parliament.vote_by_name(motion, {cast.parliamentarian.mandates.get().pk: "for"}, by=SETUP)
    return {"motion": motion.pk}


def _a_parliament_in_council_a(cast, obj, persona):
    """Council A given a parliament with one member seated (the personas' roles in council A
    stay as they are): its coordination may convene a session of it."""
    from comuna.territory import services
    from comuna.territory.models import MandateKind, OrganKind
    from tests.conftest import make_resident

    organ = services.create_organ(
        cast.council, kind=OrganKind.PARLIAMENT, name="Parlamento de prueba", by=SETUP
    )
    member = make_resident(cast.council, "Parlamentaria A")
    services.confer_mandate(
        cast.council, member, kind=MandateKind.SPOKESPERSON, organ=organ, by=SETUP
    )
    return organ, member


def _a_parliament_of_members(cast, obj, persona, *, declared=False):
    """Council A given a parliament and a member body of its own (so its seats can be declared
    from its members); ``declared``: with them declared, an organisation's seat among them, and
    a resident of that member whose document the designation form names."""
    from comuna.territory import services
    from comuna.territory.models import BodyKind
    from tests.conftest import make_resident

    _a_parliament_in_council_a(cast, obj, persona)
    child = services.create_body(
        name="Sector Norte", slug="sector-norte", kind=BodyKind.OTHER, parent=cast.council, by=SETUP
    )
    make_resident(child, "Designada", document_id="V-11.222.333")
    if declared:
        parliament.declare_member_seats(
            cast.council, organisations=["Cooperativa El Maizal"], bank=False, by=SETUP
        )


def _a_session(cast, obj, persona):
    """The matrix's assembly in session made a session of council A's parliament, its one
    member present, with a motion waiting."""
    from comuna.assemblies.models import Attendance, Motion

    if obj.status != Status.IN_SESSION:
        return
    organ, member = _a_parliament_in_council_a(cast, obj, persona)
    Assembly.objects.filter(pk=obj.pk).update(organ=organ, register_size=1)
    Attendance.objects.create(assembly=obj, resident=member)
    Motion.objects.create(item=obj.items.first(), text="Una moción", original_text="Una moción")


def _a_session_with_a_matter(cast, obj, persona):
    """The matrix's assembly made a session of council A's parliament, with a matter council
    A's members raised that reached its threshold (due on the agenda)."""
    from datetime import timedelta

    from django.utils import timezone

    from comuna.federation.models import InitiativeStatus

    organ, _member = _a_parliament_in_council_a(cast, obj, persona)
    Assembly.objects.filter(pk=obj.pk).update(organ=organ)
    Initiative.objects.create(
        body=cast.council,
        title="Agua potable para todos",
        started_by=cast.council,
        status=InitiativeStatus.REACHED,
        statute=cast.council.current_statute(),
        members=1,
        threshold=1,
        reached_at=timezone.now(),
        due_on=timezone.localdate() + timedelta(days=30),
    )


def _schedule_form(cast, obj):
    found = Initiative.objects.filter(body=cast.council).first()
    return {"initiative": str(getattr(found, "pk", ""))}


def _by_name_form(cast, obj):
    from comuna.assemblies.models import Motion
    from comuna.territory.models import Mandate

    motion = Motion.objects.filter(item__assembly=obj).first()
    mandate = Mandate.objects.filter(organ__body=cast.council, organ__kind="parliament").first()
    return {"motion": str(getattr(motion, "pk", "")), f"vote-{getattr(mandate, 'pk', 0)}": "for"}


def _session_form(cast, obj):
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.localtime(timezone.now() + timedelta(days=5))
    return {
        "title": "Sesión ordinaria",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "place": "Casa comunal",
        "items": "Informe del banco\nRuta de transporte",
    }


def _item(cast, obj):
    """An item of a coming session of the commune's parliament."""
    _ready(cast)
    return {"item": session(cast.commune, open_it=False).items.get().pk}


PROBES: dict = {
    "parliament-seats": Probe(
        post=lambda cast, obj: {"organisations": "Cooperativa El Maizal", "bank": "on"},
        prepare=_a_parliament_of_members,
    ),
    "parliament-designate": Probe(
        kwargs=lambda cast, obj: {"number": 2},
        post=lambda cast, obj: {
            "principal_document": "V11222333",
            "principal_family_name": "prueba",
            "reference": "Asamblea de la cooperativa del 20 de noviembre",
        },
        prepare=lambda cast, obj, persona: _a_parliament_of_members(
            cast, obj, persona, declared=True
        ),
    ),
    "parliament-session-new": Probe(post=_session_form, prepare=_a_parliament_in_council_a),
    "parliament-vote-by-name": Probe(
        kwargs=lambda cast, obj: {"pk": obj.pk}, post=_by_name_form, prepare=_a_session
    ),
    "parliament-session-matters": Probe(
        kwargs=lambda cast, obj: {"pk": obj.pk},
        post=_schedule_form,
        prepare=_a_session_with_a_matter,
    ),
    "parliament-elect": Probe(
        kwargs=_ready,
        post=lambda cast, obj: {
            "principal": str(cast.resident.pk),
            "substitute": str(cast.spokesperson.pk),
            "assembly": _assembly(cast),
        },
    ),
    "parliament-recall": Probe(
        kwargs=_ready,
        post=lambda cast, obj: {"reason": "Votó contra el mandato.", "assembly": _assembly(cast)},
    ),
    "parliament-raise": Probe(
        kwargs=_ready,
        post=lambda cast, obj: {
            "title": "Reparar la vialidad",
            "description": "",
            "assembly": _assembly(cast),
        },
    ),
    "parliament-support": Probe(
        kwargs=_matter, post=lambda cast, obj: {"assembly": _assembly(cast)}
    ),
    "parliament-withdraw-matter": Probe(
        kwargs=_own_matter, post=lambda cast, obj: {"reason": "Lo planteamos por error."}
    ),
    "parliament-ratify": Probe(
        kwargs=_decision, post=lambda cast, obj: {"assembly": _assembly(cast)}
    ),
    "parliament-instruct": Probe(
        kwargs=_item,
        post=lambda cast, obj: {
            "text": "Votar a favor.",
            "position": "for",
            "assembly": _assembly(cast),
        },
    ),
}


def urls(cast) -> dict[str, list[str]]:
    council = cast.council.slug
    matter = _matter(cast, None)["initiative"]
    motion = _decision(cast, None)["motion"]
    item = _item(cast, None)["item"]

    def on(name, **kwargs):
        return [reverse(name, kwargs={"slug": council, **kwargs})]

    return {
        "parliament": [
            reverse("parliament", kwargs={"slug": s})
            for s in (cast.commune.slug, council, cast.other.slug, cast.city.slug)
        ],
        "parliament-seat": [
            reverse("parliament-seat", kwargs={"slug": s})
            for s in (council, cast.commune.slug, cast.other.slug, cast.city.slug)
        ],
        "parliament-seats": [reverse("parliament-seats", kwargs={"slug": "comuna"})],
        "parliament-designate": [
            reverse("parliament-designate", kwargs={"slug": "comuna", "number": n})
            for n in (1, 3, 99)
        ],
        "parliament-elect": on("parliament-elect"),
        "parliament-recall": [on("parliament-recall")[0] + "?reason=Vot%C3%B3+en+contra"],
        "parliament-raise": on("parliament-raise"),
        "parliament-support": on("parliament-support", initiative=matter),
        "parliament-withdraw-matter": on(
            "parliament-withdraw-matter", initiative=_own_matter(cast, None)["initiative"]
        )
        + on("parliament-withdraw-matter", initiative=matter),
        "parliament-ratify": on("parliament-ratify", motion=motion)
        + on("parliament-ratify", motion=999999),
        "parliament-instruct": on("parliament-instruct", item=item),
        "parliament-session-new": [reverse("parliament-session-new", kwargs={"slug": "comuna"})],
        "parliament-vote-by-name": [
            reverse("parliament-vote-by-name", kwargs={"slug": "comuna", "pk": held.pk})
            for held in Assembly.objects.filter(body=cast.commune)
        ],
        "parliament-session-matters": [
            reverse("parliament-session-matters", kwargs={"slug": "comuna", "pk": held.pk})
            for held in Assembly.objects.filter(body=cast.commune)
        ],
    }


def api_urls(cast) -> dict[str, list[str]]:
    _decision(cast, None)
    return {
        "api-parliament": [
            f"/api/v1/bodies/{s}/parliament/" for s in (cast.commune.slug, cast.council.slug)
        ]
    }

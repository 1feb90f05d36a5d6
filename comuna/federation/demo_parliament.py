"""The demo's parliaments, replayed through the services at the moments they happened (the
clock the services read is set to each moment, as in comuna/assemblies/demo.py).

- Both communes declare their parliament's seats from their councils (the spokesperson each
  council sent takes its council's seat), an organisation's and the bank's; each council's
  seat gets a substitute; the city declares its parliament's from its two communes (the
  councils federated straight into it, in no commune yet, hold none) and an organisation's.
  Each organisation's and bank's seat is filled with whom it designated.
- El Cardonal: its councils' assemblies instruct their spokespersons on the item "Ruta de
  transporte comunal" (El Carabalí: vote against; Brisas del Turbio: vote for); in the session
  El Carabalí's spokesperson votes for, against the mandate (flagged on the parliament's page).
- El Cardonal: Las Veritas requires its own assembly to ratify that decision, which does not:
  the decision does not bind Las Veritas.
- El Cardonal: El Carabalí and Las Veritas raise "Reparar la vialidad agrícola"; two of three
  councils reach the statute's 60 %, and the commune's coordination puts it on the agenda of
  the coming session.
- El Carabalí's assembly is in session today, quorate: its electoral commission can put the
  recall of its spokesperson to it (the browser walk tests/browser/test_spokesperson_recalled.py).

Logins (added to ``territory.demo.LOGINS``): ``electoral-carabali`` (El Carabalí's electoral
commission), ``coordinacion-cardonal`` (El Cardonal's coordination: convenes the parliament's
sessions), ``electoral-cardonal`` (El Cardonal's electoral commission: keeps the sessions'
door, records their votes by name and whom an organisation designated to its seat) and
``admin-cardonal`` (El Cardonal's administrator: declares its parliament's seats).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comuna.assemblies import attendance, convening, decisions
from comuna.assemblies.demo import at
from comuna.assemblies.models import Assembly, Registered
from comuna.federation import designations, initiatives, parliament, ratifications
from comuna.mandates import accounting
from comuna.territory import demo, services
from comuna.territory.actors import DEMO
from comuna.territory.models import Body, Mandate, MandateKind, OrganKind, Resident

CARDONAL, RIO_CLARO = "comuna-el-cardonal", "comuna-rio-claro"
CARABALI, BRISAS, VERITAS = "cc-el-carabali", "cc-brisas-del-turbio", "cc-las-veritas"
CITY = "ciudad-valle-del-turbio"
ORGANISATIONS = {
    CARDONAL: ["Empresa de Propiedad Social Textil El Cardonal"],
    RIO_CLARO: ["Unidad de Producción Familiar Río Claro"],
    CITY: ["Red de Productores del Valle del Turbio"],
}
BANKS = {CARDONAL: True, RIO_CLARO: True, CITY: False}
TERM = (date(2025, 6, 1), date(2027, 6, 1))  # the demo parliaments' term
ROUTE = "Ruta de transporte comunal entre los tres consejos"
ROADS = "Reparar la vialidad agrícola"

NEW_LOGINS = [
    demo.Login("electoral-carabali", _("electoral commission"), CARABALI),
    demo.Login("coordinacion-cardonal", _("coordination of the commune"), CARDONAL),
    demo.Login("electoral-cardonal", _("electoral commission of the commune"), CARDONAL),
    demo.Login("admin-cardonal", _("administrator of the commune"), CARDONAL),
]
demo.LOGINS += [login for login in NEW_LOGINS if login not in demo.LOGINS]


def _evening(moment: datetime, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localtime(moment).date(), time(hour)))


@transaction.atomic
def load() -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _load()


def _load() -> None:
    now = timezone.now()
    bodies = {b.slug: b for b in Body.objects.all()}
    with at(now - timedelta(days=45)):
        for slug in (CARDONAL, RIO_CLARO, CITY):
            _seats(bodies[slug])
    with at(now - timedelta(days=40)):
        for slug in (CARDONAL, RIO_CLARO, CITY):
            _designated(bodies[slug])
    users = _logins(bodies)
    commune = bodies[CARDONAL]
    mandates = {
        m.seat.member.slug: m
        for m in parliament.principals(parliament.parliament_of(commune))
        if m.seat and m.seat.member_id
    }

    # a past session: El Carabalí's spokesperson votes against the mandate of its assembly
    session_at = _evening(now - timedelta(days=25))
    with at(session_at - timedelta(days=6)):
        held = convening.convene(
            commune,
            title="Sesión ordinaria del parlamento comunal",
            starts_at=session_at,
            place="Casa de la comuna El Cardonal",
            items=[{"text": ROUTE, "majority": "simple"}],
            organ=parliament.parliament_of(commune),
            by=users["coordinacion-cardonal"],
        )
    item = held.items.get()
    for slug, position, text in [
        (CARABALI, "against", "La ruta no pasa por el sector La Cancha: votar en contra."),
        (BRISAS, "for", "Votar a favor de la ruta."),
    ]:
        member = bodies[slug]
        assembly = _quorate_assembly(member, session_at - timedelta(days=3), DEMO)
        with at(session_at - timedelta(days=3, minutes=-30)):
            instruction = accounting.propose_instruction(
                None,
                mandates[slug],
                matter=ROUTE,
                text=text,
                position=position,
                by=DEMO,
                assembly=assembly,
                about=item,
            )
            _carry(instruction.motion)
            attendance.end_session(assembly, by=DEMO)
    door = users["electoral-cardonal"]
    with at(session_at + timedelta(minutes=10)):
        attendance.open_session(held, by=door)
        for mandate in mandates.values():
            attendance.record_presence(held, mandate.resident, by=door)
    with at(session_at + timedelta(minutes=40)):
        motion = decisions.propose_motion(
            item,
            text="Aprobar la ruta de transporte comunal por la vía principal, con paradas en "
            "los tres consejos.",
            by=door,
        )
        votes = {m.pk: "for" for m in mandates.values()}
        votes[mandates[VERITAS].pk] = "abstain"
        parliament.vote_by_name(motion, votes, by=door)
    with at(session_at + timedelta(hours=2)):
        attendance.end_session(held, by=door)

    # Las Veritas, whose spokesperson abstained, requires its assembly to ratify the route:
    # its assembly does not, so the decision does not bind Las Veritas
    veritas = _quorate_assembly(bodies[VERITAS], session_at + timedelta(days=4), DEMO)
    with at(veritas.starts_at + timedelta(minutes=20)):
        required = ratifications.require_ratification(motion, bodies[VERITAS], veritas, by=DEMO)
        present = attendance.present(veritas)
        decisions.decide_by_hands(
            required.motion, votes_for=2, votes_against=present - 3, abstentions=1, by=DEMO
        )
        attendance.end_session(veritas, by=DEMO)

    # a matter raised by two of the three councils (60 %), put on the coming session's agenda
    for days, slug in [(14, CARABALI), (10, VERITAS)]:
        member = bodies[slug]
        assembly = _quorate_assembly(member, _evening(now - timedelta(days=days)), DEMO)
        with at(assembly.starts_at + timedelta(minutes=30)):
            if slug == CARABALI:
                matter = initiatives.raise_matter(
                    commune,
                    title=ROADS,
                    description="La vía de los productores hacia el mercado está intransitable "
                    "desde las lluvias de octubre.",
                    member=member,
                    assembly=assembly,
                    by=DEMO,
                )
            else:
                initiatives.support(matter, member, assembly, by=DEMO)
            _carry(matter.supports.get(member=member).motion)
            attendance.end_session(assembly, by=DEMO)
    coming_at = _evening(now + timedelta(days=6))
    with at(now - timedelta(days=2)):
        coming = convening.convene(
            commune,
            title="Sesión ordinaria de diciembre",
            starts_at=coming_at,
            place="Casa de la comuna El Cardonal",
            items=[{"text": "Informe del Banco de la Comuna", "majority": "none"}],
            organ=parliament.parliament_of(commune),
            by=users["coordinacion-cardonal"],
        )
        initiatives.schedule(matter, coming, by=users["coordinacion-cardonal"])

    # El Carabalí's assembly in session today: its electoral commission may recall its
    # spokesperson there
    _quorate_assembly(
        bodies[CARABALI],
        now - timedelta(minutes=30),
        users["electoral-carabali"],
        title="Asamblea extraordinaria de ciudadanos y ciudadanas",
        end=False,
    )


def _seats(commune: Body) -> None:
    parliament.declare_member_seats(
        commune, organisations=ORGANISATIONS[commune.slug], bank=BANKS[commune.slug], by=DEMO
    )
    organ = parliament.parliament_of(commune)
    taken = set(Mandate.objects.values_list("resident_id", flat=True))
    for seat in organ.seat_rows.filter(member__isnull=False).select_related("member"):
        if Mandate.objects.filter(seat=seat, kind=MandateKind.SUBSTITUTE).exists():
            continue
        substitute = (
            Resident.objects.filter(
                body_id__in=seat.member.descendant_ids(),
                user__isnull=True,
                birth_date__lte=date(2000, 1, 1),
            )
            .exclude(pk__in=taken)
            .order_by("pk")
            .last()
        )
        taken.add(substitute.pk)
        services.confer_mandate(
            commune,
            substitute,
            kind=MandateKind.SUBSTITUTE,
            organ=organ,
            seat=seat,
            starts_on=TERM[0],
            ends_on=TERM[1],
            by=DEMO,
        )


def _designated(body: Body) -> None:
    """Each organisation's seat and the bank's filled with whom its own assembly designated
    (residents of the body's councils holding no mandate), as its electoral commission
    records them."""
    organ = parliament.parliament_of(body)
    taken = set(Mandate.objects.values_list("resident_id", flat=True))
    pool = list(
        Resident.objects.filter(body_id__in=body.descendant_ids(), birth_date__lte=date(2000, 1, 1))
        .exclude(pk__in=taken)
        .order_by("pk")[:12]
    )
    for seat in organ.seat_rows.filter(member__isnull=True, number__lte=organ.seats):
        principal, substitute = pool.pop(), pool.pop()
        designations.designate(
            seat,
            principal=principal,
            substitute=substitute,
            reference=(
                f"Acta de la asamblea de {seat.label}"
                if seat.label
                else "Acta de la asamblea del Banco de la Comuna"
            ),
            by=DEMO,
        )


def _logins(bodies: dict[str, Body]) -> dict[str, object]:
    """The walk's logins: a member of each organ named, with no login yet."""
    user_model = get_user_model()
    found = {}
    for username, slug, kind in [
        ("electoral-carabali", CARABALI, OrganKind.ELECTORAL),
        ("coordinacion-cardonal", CARDONAL, OrganKind.EXECUTIVE),
        ("electoral-cardonal", CARDONAL, OrganKind.ELECTORAL),
    ]:
        mandate = (
            Mandate.objects.active()
            .filter(
                body=bodies[slug],
                organ__kind=kind,
                kind=MandateKind.SPOKESPERSON,
                resident__user__isnull=True,
            )
            .select_related("resident")
            .order_by("pk")
            .first()
        )
        resident = mandate.resident
        user = user_model.objects.create_user(
            username=username,
            password=demo.PASSWORD,
            first_name=resident.given_name,
            last_name=resident.family_name,
        )
        services.link_login(resident, user, by=DEMO)
        found[username] = user
    # the commune's administrator (declares its parliament's seats): a resident of one of its
    # councils holding no mandate
    taken = set(Mandate.objects.values_list("resident_id", flat=True))
    resident = (
        Resident.objects.filter(
            body_id__in=bodies[CARDONAL].descendant_ids(),
            user__isnull=True,
            birth_date__lte=date(2000, 1, 1),
        )
        .exclude(pk__in=taken)
        .order_by("pk")
        .first()
    )
    services.confer_mandate(
        bodies[CARDONAL], resident, kind=MandateKind.ADMINISTRATOR, starts_on=TERM[0], by=DEMO
    )
    user = user_model.objects.create_user(
        username="admin-cardonal",
        password=demo.PASSWORD,
        first_name=resident.given_name,
        last_name=resident.family_name,
    )
    services.link_login(resident, user, by=DEMO)
    found["admin-cardonal"] = user
    return found


def _quorate_assembly(
    member: Body,
    starts_at: datetime,
    by,
    *,
    title: str = "Asamblea de ciudadanos y ciudadanas",
    end: bool = True,
) -> Assembly:
    """A citizens' assembly of ``member``, convened with the statute's notice, opened at
    ``starts_at`` and quorate (the first of its register at the door)."""
    with at(starts_at - timedelta(days=5)):
        assembly = convening.convene(
            member,
            title=title,
            starts_at=starts_at,
            place=f"Casa comunal {member.name.removeprefix('Consejo Comunal ')}",
            items=[{"text": "Asuntos del parlamento comunal", "majority": "simple"}],
            by=DEMO,
        )
    with at(starts_at + timedelta(minutes=5)):
        attendance.open_session(assembly, by=by)
        needed = attendance.quorum(assembly).required
        register = Registered.objects.filter(assembly=assembly).select_related("resident")
        for registered in register.order_by("resident_id")[:needed]:
            attendance.record_presence(assembly, registered.resident, by=by)
    return assembly


def _carry(motion) -> None:
    present = attendance.present(motion.item.assembly)
    decisions.decide_by_hands(
        motion, votes_for=present - 2, votes_against=1, abstentions=1, by=DEMO
    )

"""Demo assemblies of Consejo Comunal Las Veritas, replayed through the services.

The council's recent history is replayed at the moments it happened (the clock the services
read is set to each moment while its step runs), so every rule is checked as it would have been
and every step is in the ledger:

- an assembly that failed for lack of quorum, on first and second call;
- a past assembly with four decisions (one by secret ballot, one amended) whose minutes were
  corrected, then approved and sealed by the next assembly;
- that next assembly, which failed on first call and met on second call;
- a coming assembly with its agenda and an item a petition of the residents put on it, and a
  petition still collecting signatures;
- an assembly convened for today, not yet opened: the door, quorum, decisions and minutes
  can be walked through on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from comuna.assemblies import attendance, convening, decisions, minutes
from comuna.assemblies.models import Assembly, Majority, Method
from comuna.territory import census
from comuna.territory.actors import DEMO
from comuna.territory.models import Body, Resident
from comuna.voting import services as voting

PLACE = "Casa comunal Las Veritas, calle 3"
ONLINE = "https://meet.jit.si/cc-las-veritas-asamblea"


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run what follows as if it were ``moment`` (every service reads django's clock)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _evening(day: datetime, hour: int = 18) -> datetime:
    local = timezone.localtime(day)
    return timezone.make_aware(datetime.combine(local.date(), time(hour, 0)))


def _door(assembly: Assembly, residents: list[Resident], by) -> None:
    for resident in residents:
        attendance.record_presence(assembly, resident, by=by)


@transaction.atomic
def load() -> None:
    # the demo's notices go nowhere: a console full of e-mails would hide the logins
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _load()


def _load() -> None:
    veritas = Body.objects.get(slug="cc-las-veritas")
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["vecina", "vocero", "electoral", "contralora", "admin"]
        )
    }
    coordination, commission = users["contralora"], users["electoral"]
    with_login = [users[name].resident for name in ("vecina", "vocero", "admin", "contralora")]
    now = timezone.now()
    # the register of today (the same residents a month or two ago: the demo census is old)
    others = [
        r
        for r in census.register(veritas).order_by("family_name", "given_name", "pk")
        if r.user_id is None
    ]

    # 1. August: failed for lack of quorum on both calls
    august = _evening(now - timedelta(days=100))
    with at(august - timedelta(days=12)):
        failed = convening.convene(
            veritas,
            title="Asamblea ordinaria de agosto",
            starts_at=august,
            place=PLACE,
            items=[
                {"text": "Informe de la Unidad Administrativa y Financiera", "majority": "none"},
                {"text": "Jornada de vacunación del Comité de Salud", "majority": "simple"},
            ],
            by=coordination,
        )
    with at(august + timedelta(minutes=5)):
        attendance.open_session(failed, by=commission)
        _door(failed, others[:7], commission)
    with at(august + timedelta(minutes=40)):
        attendance.second_call(failed, by=commission)
        _door(failed, others[7:9], commission)
    with at(august + timedelta(hours=1, minutes=30)):
        attendance.end_session(failed, by=commission)

    # 2. September: quorum on first call, four decisions, minutes corrected
    september = _evening(now - timedelta(days=60))
    with at(september - timedelta(days=10)):
        past = convening.convene(
            veritas,
            title="Asamblea ordinaria de septiembre",
            starts_at=september,
            place=PLACE,
            online_url=ONLINE,
            description="Asamblea híbrida: en la casa comunal y en línea.",
            items=[
                {"text": "Plan de limpieza de la quebrada La Cruz", "majority": "simple"},
                {"text": "Horario de la bodega comunal", "majority": "simple"},
                {"text": "Sede de la casa comunal", "majority": "simple"},
                {"text": "Reforma del reglamento interno", "majority": "two_thirds"},
            ],
            by=coordination,
        )
    with at(september + timedelta(minutes=10)):
        attendance.open_session(past, by=commission)
        _door(past, others[:20], commission)
        for resident in with_login:
            attendance.check_in(past, by=resident.user)
    cleaning, hours, seat, rules = list(past.items.order_by("position"))
    with at(september + timedelta(minutes=30)):
        motion = decisions.propose_motion(
            cleaning,
            text="Realizar la jornada de limpieza el primer sábado de cada mes, con apoyo "
            "del Comité de Ambiente.",
            by=commission,
        )
        decisions.decide_by_hands(
            motion, votes_for=19, votes_against=3, abstentions=2, by=commission
        )
    with at(september + timedelta(minutes=45)):
        motion = decisions.propose_motion(
            hours, text="Abrir la bodega comunal de lunes a viernes de 8 a 12.", by=commission
        )
        amendment = decisions.propose_motion(
            hours,
            text="Abrir la bodega comunal de lunes a viernes de 8 a 12 y los sábados de 8 a 10.",
            amends=motion,
            by=commission,
        )
        decisions.decide_by_hands(
            amendment, votes_for=14, votes_against=8, abstentions=2, by=commission
        )
        decisions.decide_by_hands(
            motion, votes_for=20, votes_against=2, abstentions=2, by=commission
        )
    with at(september + timedelta(hours=1)):
        motion = decisions.propose_motion(
            seat,
            text="Trasladar la sede de la casa comunal a la Escuela Bolivariana Las Veritas.",
            method=Method.SECRET,
            by=commission,
        )
        poll = decisions.open_ballot(motion, by=commission)
        for resident, choice in zip(with_login, ["1", "1", "2", "1"], strict=True):
            voting.cast(poll, resident.user, choice)
        room = ["1"] * 13 + ["2"] * 5 + ["3"] * 2
        voting.enter_paper(poll, "Casa comunal", ballots=[[c] for c in room], by=DEMO)
        decisions.close_ballot(motion, by=commission)
    with at(september + timedelta(hours=1, minutes=20)):
        motion = decisions.propose_motion(
            rules,
            text="Aprobar la reforma del reglamento interno presentada por el colectivo de "
            "coordinación.",
            by=commission,
        )
        decisions.decide_by_hands(
            motion, votes_for=13, votes_against=9, abstentions=2, by=commission
        )
    with at(september + timedelta(hours=2)):
        attendance.end_session(past, by=commission)
    with at(september + timedelta(days=1)):
        record = minutes.draft(
            past,
            text=(
                "Se instaló la asamblea en primera convocatoria con el quórum del registro "
                "congelado. La comisión electoral llevó la asistencia en la puerta y en línea.\n\n"
                "Sobre la sede, la vocería de la escuela ofreció el salón de usos múltiples."
            ),
            by=commission,
        )
        minutes.open_corrections(record, by=commission)
    with at(september + timedelta(days=2)):
        correction = minutes.propose_correction(
            record,
            text="Donde dice «salón de usos múltiples» debe decir «salón de reuniones».",
            by=users["vecina"],
        )
    with at(september + timedelta(days=4)):
        minutes.decide_correction(
            correction,
            accept=True,
            text=record.text.replace("salón de usos múltiples", "salón de reuniones"),
            by=commission,
        )

    # 3. November: no quorum on first call, met on second call; approves September's minutes
    november = _evening(now - timedelta(days=18))
    with at(november - timedelta(days=7)):
        second = convening.convene(
            veritas,
            title="Asamblea ordinaria de noviembre",
            starts_at=november,
            place=PLACE,
            items=[
                {"text": "Mantenimiento del alumbrado de la calle 3", "majority": "simple"},
            ],
            by=coordination,
        )
    with at(november + timedelta(minutes=5)):
        attendance.open_session(second, by=commission)
        _door(second, others[20:30], commission)
    with at(november + timedelta(minutes=35)):
        attendance.second_call(second, by=commission)
        _door(second, others[30:33], commission)
    with at(november + timedelta(minutes=50)):
        minutes.approve(
            record,
            in_assembly=second,
            votes_for=11,
            votes_against=0,
            abstentions=2,
            by=commission,
        )
        lights = second.items.get(position=1)
        motion = decisions.propose_motion(
            lights,
            text="Pedir a la alcaldía el cambio de las luminarias dañadas de la calle 3 y, si no "
            "responde en un mes, reponerlas con fondos del consejo.",
            by=commission,
        )
        decisions.decide_by_hands(
            motion, votes_for=12, votes_against=1, abstentions=0, by=commission
        )
    with at(november + timedelta(hours=1, minutes=30)):
        attendance.end_session(second, by=commission)
    with at(november + timedelta(days=1)):
        draft = minutes.draft(
            second,
            text=(
                "La asamblea no alcanzó el quórum en primera convocatoria; en segunda "
                "convocatoria se instaló con el quórum del estatuto y aprobó el acta de "
                "septiembre."
            ),
            by=commission,
        )
        minutes.open_corrections(draft, by=commission)

    # 4. a petition that reached its threshold, put on the coming assembly's agenda
    with at(now - timedelta(days=9)):
        water = convening.start_petition(
            veritas,
            title="Tratar el suministro de agua del sector Los Mangos",
            description="Hace tres semanas que el sector recibe agua solo dos días por semana.",
            majority=Majority.SIMPLE,
            by=users["vecina"],
        )
    with at(now - timedelta(days=8)):
        convening.sign_petition(water, by=users["vocero"])
        needed = water.threshold - water.signatures.count()
        documents = [r.document_id for r in others[: needed + 2] if r.document_id]
        convening.enter_paper_signatures(water, documents[:needed], by=commission)
    coming_day = _evening(now + timedelta(days=9))
    with at(now - timedelta(days=3)):
        coming = convening.convene(
            veritas,
            title="Asamblea ordinaria de diciembre",
            starts_at=coming_day,
            place=PLACE,
            online_url=ONLINE,
            items=[
                {"text": "Informe de gestión de las vocerías", "majority": "none"},
                {"text": "Plan de fiestas decembrinas", "majority": "simple"},
            ],
            by=coordination,
        )
        water.refresh_from_db()
        convening.add_petition_to_agenda(water, coming, by=commission)
    with at(now - timedelta(days=1)):
        convening.start_petition(
            veritas,
            title="Reductores de velocidad en la calle principal",
            description="Los carros bajan muy rápido frente a la escuela.",
            by=users["vocero"],
        )

    # 5. today: convened a week ago, starts within the hour, not yet opened
    with at(now - timedelta(days=7)):
        convening.convene(
            veritas,
            title="Asamblea extraordinaria: la bodega comunal",
            starts_at=now + timedelta(minutes=45),
            place=PLACE,
            online_url=ONLINE,
            items=[
                {"text": "Rendición de cuentas de la bodega comunal", "majority": "simple"},
                {"text": "Acta de la asamblea de noviembre", "majority": "simple"},
            ],
            by=coordination,
        )

"""The demo's execution of Las Veritas' counted 2026 budget (issue 14): every funded project
opened by the administrative-financial unit (login ``tesorera``), money received, milestones
(one overdue), progress updates, expenses with their receipts (pictures and PDFs drawn here);
the water tank over its estimate with the assembly's authorising decision, one project
abandoned with its reason and its lesson, an inspection with an open finding and its deadline,
and a resident's complaint with the comptroller unit's answer."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from comuna.assemblies import attendance, convening, decisions
from comuna.assemblies.demo import _door, _evening, at
from comuna.cycles import comptroller, execution, expenses, lessons
from comuna.cycles.models import Budget, ExecutionStatus
from comuna.territory import census
from comuna.territory.actors import DEMO
from comuna.territory.models import Body, Organ, OrganKind


def receipt(lines: list[str], kind: str = "png") -> SimpleUploadedFile:
    """A receipt drawn as a picture (or a one-page PDF of that picture)."""
    picture = Image.new("RGB", (420, 60 + 26 * len(lines)), "white")
    pen = ImageDraw.Draw(picture)
    pen.rectangle([4, 4, picture.width - 5, picture.height - 5], outline="black")
    for n, line in enumerate(lines):
        pen.text((20, 24 + 26 * n), line, fill="black")
    data = io.BytesIO()
    picture.save(data, "PDF" if kind == "pdf" else "PNG")
    content_type = "application/pdf" if kind == "pdf" else "image/png"
    return SimpleUploadedFile(f"factura.{kind}", data.getvalue(), content_type=content_type)


def photo(colour: str) -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(data, "JPEG")
    return SimpleUploadedFile("foto.jpg", data.getvalue(), content_type="image/jpeg")


def _spend(target, tesorera, day, supplier, rif, description, amount, number, kind="png"):
    with at(day):
        return expenses.record(
            target,
            amount=Decimal(amount),
            currency=target.currency,
            spent_on=timezone.localdate(day),
            supplier=supplier,
            supplier_tax_id=rif,
            description=description,
            receipt=receipt(
                [
                    supplier,
                    f"RIF {rif}",
                    f"FACTURA N.o {number}",
                    description,
                    f"TOTAL {target.currency} {amount}",
                ],
                kind,
            ),
            by=tesorera,
        )


def load(veritas: Body | None = None) -> None:
    veritas = veritas or Body.objects.get(slug="cc-las-veritas")
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["tesorera", "contralora", "electoral", "vocero", "vecina"]
        )
    }
    tesorera, contralora, commission = users["tesorera"], users["contralora"], users["electoral"]
    budget = Budget.objects.get(body=veritas, title="Presupuesto del ciclo comunal 2026")
    now = timezone.now()
    with at(now - timedelta(days=148)):
        opened = {e.project.title: e for e in execution.open_for(budget, by=tesorera)}
    with at(now - timedelta(days=146)):
        execution.record_funds(
            veritas,
            amount=Decimal("50000"),
            currency=veritas.currency,
            received_on=timezone.localdate(now - timedelta(days=146)),
            source="Fondo de Compensación Interterritorial",
            reference="Transferencia 2026-0417",
            cycle=budget.cycle,
            by=tesorera,
        )
    tank = opened["Tanque de agua comunitario"]
    others = [e for title, e in opened.items() if title != tank.project.title]
    lights = opened.get("Alumbrado de la calle 3") or others[0]
    rest = [e for e in others if e != lights]
    clinic, dropped = rest[0], rest[-1]

    def milestones(target, rows):
        for title, due, done in rows:
            with at(now - timedelta(days=145)):
                made = execution.add_milestone(
                    target,
                    title=title,
                    due_on=timezone.localdate(now + timedelta(days=due)),
                    by=DEMO,
                )
            if done is not None:
                with at(now + timedelta(days=done)):
                    execution.complete_milestone(made, by=DEMO)

    # the water tank: done, over its estimate with the assembly's leave
    milestones(
        tank,
        [
            ("Compra del tanque", -120, -123),
            ("Base de concreto", -90, -92),
            ("Tubería a la calle 3 y Los Mangos", -60, -52),
        ],
    )
    with at(now - timedelta(days=140)):
        execution.set_status(tank, status=ExecutionStatus.IN_PROGRESS, by=DEMO)
    _spend(
        tank,
        tesorera,
        now - timedelta(days=125),
        "Tanques y Plásticos del Centro C.A.",
        "J-30945612-8",
        "Tanque de 20.000 litros",
        "9800.00",
        "000417",
        "pdf",
    )
    _authorised_tank(veritas, tank, tesorera, commission, contralora, now)
    _spend(
        tank,
        tesorera,
        now - timedelta(days=88),
        "Ferretería El Tornillo",
        "J-29876543-1",
        "Tubería, conexiones y llaves (120 m): el precio subió un 28 %",
        "6950.00",
        "003382",
    )
    with at(now - timedelta(days=60)):
        execution.post_update(
            tank,
            text="El tanque está lleno y el agua llega a la calle 3 y a Los Mangos.",
            photo=photo("#3a7bd5"),
            by=DEMO,
        )
    with at(now - timedelta(days=50)):
        execution.set_status(tank, status=ExecutionStatus.DONE, by=DEMO)

    # the lights: in progress, a milestone overdue, an inspection with an open finding
    milestones(lights, [("Compra de luminarias", -100, -102), ("Instalación", -10, None)])
    with at(now - timedelta(days=105)):
        execution.set_status(lights, status=ExecutionStatus.IN_PROGRESS, by=DEMO)
    _spend(
        lights,
        tesorera,
        now - timedelta(days=97),
        "Iluminación Lara",
        "J-40123987-2",
        "Seis luminarias LED de 100 W",
        "5100.00",
        "000981",
    )
    for days, note in ((82, ""), (80, " (factura repetida)")):
        wrong = _spend(
            lights,
            tesorera,
            now - timedelta(days=days),
            "Electricidad Cabudare",
            "J-41876234-6",
            f"Cableado y tubería eléctrica{note}",
            "1200.00",
            "001544",
        )
    with at(now - timedelta(days=79)):
        expenses.reverse(
            wrong, reason="La factura 001544 se cargó dos veces; el pago fue uno.", by=tesorera
        )
    _comptroller(veritas, tank, lights, contralora, users["vecina"], now)

    # the clinic: done within its estimate
    milestones(clinic, [("Compra de la nevera", -110, -111), ("Entrega de insumos", -80, -75)])
    with at(now - timedelta(days=112)):
        execution.set_status(clinic, status=ExecutionStatus.IN_PROGRESS, by=DEMO)
    _spend(
        clinic,
        tesorera,
        now - timedelta(days=111),
        "Refrigeración Médica Barquisimeto",
        "J-31234876-0",
        "Nevera para vacunas",
        "6200.00",
        "2211",
        "pdf",
    )
    _spend(
        clinic,
        tesorera,
        now - timedelta(days=76),
        "Droguería Los Andes",
        "J-07654321-5",
        "Insumos y tres tensiómetros",
        "5140.00",
        "5830",
    )
    with at(now - timedelta(days=70)):
        execution.set_status(clinic, status=ExecutionStatus.DONE, by=DEMO)

    # one project abandoned with its reason, and what was learned
    milestones(dropped, [("Compra de materiales", -100, -101)])
    with at(now - timedelta(days=103)):
        execution.set_status(dropped, status=ExecutionStatus.IN_PROGRESS, by=DEMO)
    _spend(
        dropped,
        tesorera,
        now - timedelta(days=98),
        "Agropecuaria El Cují",
        "J-50987123-4",
        "Materiales iniciales",
        "1100.00",
        "7720",
    )
    reason = (
        "La zona educativa destinó el terreno del huerto a dos aulas nuevas de la escuela; "
        "sin terreno no hay huerto. Lo que no se gastó vuelve al fondo del consejo."
    )
    with at(now - timedelta(days=45)):
        execution.set_status(dropped, status=ExecutionStatus.ABANDONED, reason=reason, by=DEMO)
    with at(now - timedelta(days=40)):
        lessons.record(
            dropped,
            what_happened=(
                "Compramos el cercado y las primeras semillas; a las seis semanas la zona "
                "educativa destinó el terreno a dos aulas nuevas. El huerto se abandonó con "
                "1.100 gastados."
            ),
            what_worked="Comprar por etapas: solo se perdió lo de la primera compra.",
            what_did_not=(
                "No pedimos por escrito a la escuela y a la zona educativa el uso del terreno "
                "antes de votar el proyecto."
            ),
            cost_note="Se gastó el 30 % de lo estimado antes de parar; nada más se perdió.",
            advice=(
                "Antes de proponer una obra en un terreno que no es del consejo, pidan por "
                "escrito el permiso de uso a quien lo tiene y adjúntenlo al proyecto."
            ),
            by=DEMO,
        )


def _authorised_tank(veritas, tank, tesorera, commission, convener, now) -> None:
    """An extraordinary assembly authorises spending 2,000 more on the water tank."""
    day = _evening(now - timedelta(days=95))
    with at(day - timedelta(days=10)):
        assembly = convening.convene(
            veritas,
            title="Asamblea extraordinaria: ejecución del presupuesto 2026",
            starts_at=day,
            place="Casa comunal Las Veritas",
            items=[
                {"text": "Informe de la Unidad Administrativa y Financiera", "majority": "none"}
            ],
            by=convener,
        )
    with at(day - timedelta(days=8)):
        asked = expenses.propose_authorisation(
            tank,
            amount=Decimal("2000"),
            reason=(
                "La tubería y las conexiones subieron un 28 % desde el presupuesto; sin ellas "
                "el tanque no lleva agua a la calle 3."
            ),
            assembly=assembly,
            by=tesorera,
        )
    residents = [
        r
        for r in census.register(veritas).order_by("family_name", "given_name", "pk")
        if r.user_id is None
    ]
    with at(day + timedelta(minutes=10)):
        attendance.open_session(assembly, by=commission)
        _door(assembly, residents[:24], commission)
    with at(day + timedelta(minutes=40)):
        motion = decisions.propose_motion(
            asked.item, text="Autorizar 2.000 más para la tubería del tanque.", by=commission
        )
        decisions.decide_by_hands(
            motion, votes_for=20, votes_against=2, abstentions=2, by=commission
        )
    with at(day + timedelta(hours=1, minutes=30)):
        attendance.end_session(assembly, by=commission)


def _comptroller(veritas, tank, lights, contralora, vecina, now) -> None:
    committee = (
        lights.committee or Organ.objects.filter(body=veritas, kind=OrganKind.EXECUTIVE).first()
    )
    with at(now - timedelta(days=12)):
        inspection = comptroller.open_inspection(
            veritas,
            title="Inspección del alumbrado de la calle 3",
            scope="Luminarias compradas contra luminarias instaladas y funcionando.",
            execution=lights,
            by=contralora,
        )
    with at(now - timedelta(days=5)):
        comptroller.file_finding(
            inspection,
            title="Dos luminarias pagadas no están instaladas",
            text=(
                "Se pagaron seis luminarias (factura 000981); en la calle 3 hay cuatro "
                "instaladas. Las otras dos no están en el depósito comunal."
            ),
            organ=committee,
            evidence=[photo("#444444")],
            by=contralora,
        )
    # an older finding on the water tank, never answered: past its deadline, flagged in red
    with at(now - timedelta(days=26)):
        tank_inspection = comptroller.open_inspection(
            veritas,
            title="Inspección de la obra del tanque",
            scope="Facturas de la tubería contra el material instalado.",
            execution=tank,
            by=contralora,
        )
        comptroller.file_finding(
            tank_inspection,
            title="Falta el acta de entrega de la tubería",
            text=(
                "La factura 003382 cubre 120 metros de tubería; no hay acta de entrega que "
                "diga cuántos metros llegaron a la obra."
            ),
            organ=tank.committee or committee,
            evidence=[receipt(["Acta de entrega", "(no se encontró)"], "pdf")],
            by=contralora,
        )
    with at(now - timedelta(days=30)):
        complaint = comptroller.file_complaint(
            veritas,
            resident=vecina.resident,
            subject="La obra del tanque dejó un hueco en la calle 3",
            text="Desde que pasaron la tubería hay una zanja abierta frente al número 14.",
            anonymous=False,
            execution=None,
            by=vecina,
        )
    with at(now - timedelta(days=22)):
        comptroller.answer_complaint(
            complaint,
            answer=(
                "Verificamos la zanja. El Comité de Vivienda la tapó el 20 de este mes con "
                "material sobrante de la obra; no hubo costo adicional."
            ),
            by=contralora,
        )

"""Petitions for an assembly: signed once each by residents on the register, in the app or from
paper (each line checked), reaching the statute's share exactly, then convening an assembly or
adding an item to a coming one; every step in the ledger, which catches a slipped-in signature."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comuna.assemblies import convening
from comuna.assemblies.errors import AssemblyError
from comuna.assemblies.models import (
    ConvenedBy,
    Majority,
    Petition,
    PetitionStatus,
    Signature,
    SignatureSource,
)
from comuna.ledger import entries, verify
from comuna.territory import statutes
from tests.conftest import COUNCIL_A_VOTERS, SETUP, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def share_of_half(cast):
    """Council A's statute asking half the register (4 of 8) to sign a petition."""
    statutes.amend(cast.council, {"convening_petition_pct": 50}, by=SETUP)
    cast.council = type(cast.council).objects.get(pk=cast.council.pk)
    return cast


def _start(cast, by=None):
    return convening.start_petition(
        cast.council,
        title="Asamblea sobre el agua",
        description="Tres semanas sin agua",
        by=by or cast.resident.user,
    )


def give_document(resident, document):
    """Record ``document`` as the resident's identity document, through the census service."""
    from django.forms.models import model_to_dict

    from comuna.territory import services
    from comuna.territory.forms import ResidentForm

    data = {k: v for k, v in model_to_dict(resident).items() if v is not None}
    form = ResidentForm(
        {**data, "document_id": document}, instance=resident, household=resident.household
    )
    assert form.is_valid(), form.errors
    services.save_resident(form, by=SETUP)


def _kinds(cast):
    return [e.kind for e in entries(cast.council.ledger_chain) if e.kind.startswith("assembly.")]


def test_the_starter_signs_first_and_the_threshold_is_the_statutes_share(share_of_half):
    cast = share_of_half
    petition = _start(cast)
    assert petition.register_size == COUNCIL_A_VOTERS
    assert petition.threshold == 4
    assert list(petition.signatures.values_list("resident", flat=True)) == [cast.resident.pk]
    assert petition.status == PetitionStatus.COLLECTING
    assert _kinds(cast) == ["assembly.petition_started", "assembly.petition_signed"]
    assert verify().ok


def test_signing_twice_is_refused_clearly(share_of_half):
    cast = share_of_half
    petition = _start(cast)
    with pytest.raises(AssemblyError, match="already signed"):
        convening.sign_petition(petition, by=cast.resident.user)
    assert petition.signatures.count() == 1


def test_only_residents_on_the_register_sign(share_of_half):
    cast = share_of_half
    petition = _start(cast)
    minor = make_resident(cast.council, "Niña", born=timezone.localdate().replace(year=2020))
    from django.contrib.auth import get_user_model

    from comuna.territory import services

    services.link_login(minor, get_user_model().objects.create_user("nina"), by=SETUP)
    for user in (cast.outsider.user, get_user_model().objects.get(username="nina")):
        with pytest.raises(AssemblyError, match="electoral register"):
            convening.sign_petition(petition, by=user)
    assert petition.signatures.count() == 1


def test_the_threshold_is_reached_exactly_at_the_last_signature_needed(share_of_half):
    cast = share_of_half
    petition = _start(cast)
    convening.sign_petition(petition, by=cast.spokesperson.user)
    convening.sign_petition(petition, by=cast.electoral.user)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.COLLECTING  # 3 of 4
    convening.sign_petition(petition, by=cast.admin.user)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.REACHED  # exactly 4
    reached = entries(cast.council.ledger_chain).get(kind="assembly.petition_reached")
    assert reached.data == {"petition": petition.pk, "signatures": 4, "threshold": 4}
    with pytest.raises(AssemblyError, match="no longer collects"):
        convening.sign_petition(petition, by=cast.financial.user)
    assert verify().ok


def test_paper_lines_are_counted_refused_or_known_already_each_once(share_of_half):
    cast = share_of_half
    petition = _start(cast)
    for resident, document in [
        (cast.resident, "V-1"),
        (cast.spokesperson, "V-2"),
        (cast.electoral, "V-3"),
        (cast.outsider, "V-9"),  # of council B: not on council A's register
    ]:
        give_document(resident, document)
    outcomes = convening.enter_paper_signatures(
        petition, ["v-2", "", "V-1", "V-404", "V-9", " V-2 "], by=cast.electoral.user
    )
    assert [(o.line, o.outcome) for o in outcomes] == [
        (1, "counted"),
        (3, "already_signed"),  # the starter signed in the app
        (4, "not_on_register"),
        (5, "not_on_register"),
        (6, "already_signed"),  # the same sheet listed them twice
    ]
    assert petition.signatures.filter(source=SignatureSource.PAPER).count() == 1
    entry = entries(cast.council.ledger_chain).get(kind="assembly.petition_paper")
    assert entry.data["residents"] == [cast.spokesperson.pk]
    assert verify().ok


def test_a_paper_sheet_with_no_document_is_refused(share_of_half):
    with pytest.raises(AssemblyError) as refused:
        convening.enter_paper_signatures(
            _start(share_of_half), ["", "  "], by=share_of_half.electoral.user
        )
    assert "documents" in refused.value.message_dict


def test_a_paper_sheet_that_counts_nobody_records_nothing(share_of_half):
    cast = share_of_half
    petition = _start(cast)
    before = _kinds(cast)
    outcomes = convening.enter_paper_signatures(petition, ["X-0"], by=cast.electoral.user)
    assert [o.outcome for o in outcomes] == ["not_on_register"]
    assert _kinds(cast) == before


def test_a_bad_petition_is_refused_under_its_field(cast):
    for title, majority, field in [("", "simple", "title"), ("Agua", "everyone", "majority")]:
        with pytest.raises(AssemblyError) as refused:
            convening.start_petition(
                cast.council, title=title, majority=majority, by=cast.resident.user
            )
        assert field in refused.value.message_dict
    assert Petition.objects.count() == 0


def _reached(cast):
    petition = _start(cast)  # 10% of 8: one signature, the starter's
    assert petition.status == PetitionStatus.REACHED
    return petition


def test_an_assembly_convened_on_a_petition_has_its_item_first(cast):
    petition = _reached(cast)
    assembly = convening.convene_on_petition(
        petition,
        starts_at=timezone.now() + timedelta(days=7),
        place="Casa comunal",
        items=[{"text": "Puntos varios", "majority": Majority.NONE}],
        by=cast.electoral.user,
    )
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.USED
    assert assembly.convened_by == ConvenedBy.PETITION and assembly.petition == petition
    first, second = assembly.items.order_by("position")
    assert (first.text, first.petition) == (petition.title, petition)
    assert second.text == "Puntos varios"
    used = entries(cast.council.ledger_chain).get(kind="assembly.petition_used")
    assert used.data == {"petition": petition.pk, "assembly": assembly.pk, "item": first.pk}
    assert verify().ok
    with pytest.raises(AssemblyError, match="reached its signatures"):
        convening.convene_on_petition(
            petition,
            starts_at=timezone.now() + timedelta(days=7),
            place="Otra vez",
            by=cast.electoral.user,
        )


def test_a_petition_is_added_to_a_coming_assemblys_agenda(cast):
    assembly = convening.convene(
        cast.council,
        title="Asamblea ordinaria",
        starts_at=timezone.now() + timedelta(days=10),
        place="Casa comunal",
        items=[{"text": "Informe", "majority": Majority.NONE}],
        by=cast.comptroller.user,
    )
    assert convening.coming_amendable(cast.council) == [assembly]
    petition = _reached(cast)
    item = convening.add_petition_to_agenda(petition, assembly, by=cast.comptroller.user)
    assert item.petition == petition and item.assembly == assembly
    assert [i.text for i in assembly.items.order_by("position")] == ["Informe", petition.title]
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.USED
    assert _kinds(cast)[-2:] == ["assembly.agenda_amended", "assembly.petition_used"]
    assert verify().ok


def test_verify_catches_a_signature_slipped_in_with_sql(share_of_half):
    cast = share_of_half
    petition = _start(cast)
    Signature.objects.create(petition=petition, resident=cast.admin, source=SignatureSource.APP)
    report = verify()
    assert not report.ok
    assert any("signatures" in str(p) for p in report.problems)

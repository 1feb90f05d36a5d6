from django.urls import reverse

from comuna.territory.models import CensusQuestion, Household, Resident


def url(name, cast, **kw):
    return reverse(name, kwargs={"slug": cast.council.slug, **kw})


def test_an_invalid_resident_form_shows_the_error_and_saves_nothing(cast, login):
    client = login(cast.electoral.user)
    before = Resident.objects.count()
    response = client.post(
        url("resident-new", cast, household=cast.household.pk),
        {
            "given_name": "Futuro",
            "family_name": "Vecino",
            "birth_date": "2999-01-01",
            "sex": "M",
            "resident_since": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["birth_date"]
    assert Resident.objects.count() == before


def test_a_household_code_is_unique_within_the_body(cast, login):
    client = login(cast.electoral.user)
    response = client.post(
        url("household-new", cast),
        {
            "code": cast.household.code,
            "address": "Otra",
            "tenure": "owned",
            "dwelling": "house",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["code"]
    # the same code in another body is fine
    other = cast.outsider.household
    other.code = "SAME"
    other.save()
    response = client.post(
        url("household-new", cast),
        {
            "code": "SAME",
            "address": "Otra",
            "tenure": "owned",
            "dwelling": "house",
        },
    )
    assert response.status_code == 302


def test_the_bodys_own_questions_appear_on_the_forms_and_are_stored(cast, login):
    CensusQuestion.objects.create(
        body=cast.council,
        target="household",
        key="food_bag",
        label="¿Recibe la bolsa de alimentos?",
        kind="yes_no",
        required=True,
    )
    client = login(cast.electoral.user)
    page = client.get(url("household-new", cast)).content.decode()
    assert "¿Recibe la bolsa de alimentos?" in page
    data = {"code": "Q-1", "address": "Calle Q", "tenure": "owned", "dwelling": "house"}
    missing = client.post(url("household-new", cast), data)
    assert missing.status_code == 200 and missing.context["form"].errors["q_food_bag"]
    client.post(url("household-new", cast), {**data, "q_food_bag": "yes"})
    assert Household.objects.get(code="Q-1").extra == {"food_bag": True}


def test_a_choice_question_needs_its_answers(cast, login):
    client = login(cast.admin.user)
    response = client.post(
        url("census-questions", cast),
        {
            "target": "resident",
            "key": "blood",
            "label": "Grupo sanguíneo",
            "kind": "choice",
            "choices": "",
            "position": 0,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["choices"]
    response = client.post(
        url("census-questions", cast),
        {
            "target": "resident",
            "key": "sex",
            "label": "x",
            "kind": "text",
            "position": 0,
        },
    )
    assert response.context["form"].errors["key"]
    assert not CensusQuestion.objects.exists()


def test_members_edit_their_own_contact_details_and_nothing_else(cast, login):
    client = login(cast.resident.user)
    response = client.post(
        reverse("profile"),
        {"phone": "0414-555-0101", "email": "vecina@example.org", "given_name": "Hacker"},
    )
    assert response.status_code == 302
    cast.resident.refresh_from_db()
    assert cast.resident.phone == "0414-555-0101"
    assert cast.resident.given_name == "Residente"
    page = client.get(reverse("profile")).content.decode()
    assert cast.council.name in page


def test_the_body_page_shows_organs_statute_members_and_children(cast, login):
    page = login(cast.resident.user).get(reverse("body", kwargs={"slug": cast.commune.slug}))
    html = page.content.decode()
    assert cast.council.name in html and cast.other.name in html  # member bodies
    assert page.context["members"] == Resident.objects.count()
    page = login(cast.resident.user).get(url("body", cast)).content.decode()
    assert "Comité de Salud" in page and "Vocera Prueba" in page
    assert "30%" in page  # quorum on first call

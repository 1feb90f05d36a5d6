"""Password reset by e-mail, end to end (mail is the system's edge: the locmem outbox), in the
reader's language, and password change from the profile page."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from comuna.territory import services
from comuna.territory.forms import ProfileForm
from tests.conftest import PASSWORD

NEW = "otra-clave-bien-larga"


def give_email(resident, address):
    form = ProfileForm({"phone": "", "email": address}, instance=resident)
    assert form.is_valid()
    services.update_own_details(form, by=resident.user)


def test_a_resident_resets_their_password_through_the_census_email(cast, client):
    give_email(cast.resident, "Residente@Example.org")
    response = client.post(reverse("password_reset"), {"email": "residente@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Residente@Example.org"]
    assert "contraseña" in message.subject and "Hola, resident" in message.body
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert get_user_model().objects.get(username="resident").check_password(NEW)
    assert (
        client.post(reverse("login"), {"username": "resident", "password": NEW}).status_code == 302
    )
    client.logout()
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_the_reset_email_is_written_in_the_readers_language(cast, client):
    give_email(cast.resident, "residente@example.org")
    client.cookies["django_language"] = "pt"
    client.post(reverse("password_reset"), {"email": "residente@example.org"})
    assert "senha" in mail.outbox[0].subject and "Olá" in mail.outbox[0].body


def test_an_unknown_address_gets_no_mail_and_the_same_answer(cast, client):
    response = client.post(reverse("password_reset"), {"email": "nadie@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_login_no_longer_tied_to_its_census_row_gets_no_mail_through_it(cast, client):
    give_email(cast.resident, "residente@example.org")
    services.unlink_login(cast.resident, by=cast.electoral.user)
    client.post(reverse("password_reset"), {"email": "residente@example.org"})
    assert mail.outbox == []


def test_the_profile_shows_the_census_data_and_changes_the_password(cast, login):
    client = login(cast.resident.user)
    page = client.get(reverse("profile")).content.decode()
    assert cast.resident.household.code in page and "17 de mayo de 1980" in page
    assert reverse("password_change") in page
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert get_user_model().objects.get(username="resident").check_password(NEW)


def test_a_wrong_old_password_changes_nothing_and_says_so_in_tu(cast, login):
    client = login(cast.resident.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "Tu contraseña anterior no es correcta" in response.content.decode()
    assert get_user_model().objects.get(username="resident").check_password(PASSWORD)

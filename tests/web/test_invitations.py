"""Residents get their login by invitation from the census, never by signing up: the electoral
commission invites by printed code or e-mail link, the resident redeems it once, and the login is
tied to their census row through the services, recorded in the ledger without personal data."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from comuna.ledger import entries, verify
from comuna.territory import invitations, services
from comuna.territory.models import Invitation, Resident
from comuna.territory.permissions import roles
from comuna.territory.services import TerritoryError
from tests.conftest import make_resident

NEW_PASSWORD = "una-clave-larga-y-rara"


@pytest.fixture
def newcomer(cast):
    """A resident of council A with no login yet."""
    return make_resident(cast.council, "Nueva")


def page_url(resident):
    return reverse("resident-login", kwargs={"slug": resident.body.slug, "pk": resident.pk})


def invite_by_code(client, resident):
    response = client.post(page_url(resident), {"delivery": "code", "language": "es"})
    assert response.status_code == 200
    return re.search(r'<code class="code">([0-9A-Z-]+)</code>', response.content.decode())[1]


def redeem(client, code, username="nueva", password=NEW_PASSWORD):
    return client.post(
        reverse("invite"),
        {"code": code, "username": username, "password1": password, "password2": password},
    )


def test_the_commission_invites_by_printed_code_and_the_resident_makes_their_login(
    cast, login, newcomer, client
):
    code = invite_by_code(login(cast.electoral.user), newcomer)
    client.logout()
    response = redeem(client, code.lower().replace("-", " "))  # as a person might type it
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    user = get_user_model().objects.get(username="nueva")
    assert Resident.objects.get(pk=newcomer.pk).user == user
    assert user.check_password(NEW_PASSWORD)
    assert "Nueva" in client.get(reverse("profile")).content.decode()  # logged in, as her
    assert not Invitation.objects.exists()
    kinds = list(entries(cast.council.ledger_chain).values_list("kind", "actor"))[-2:]
    assert kinds == [
        ("census.invited", f"user:{cast.electoral.user.pk}"),
        ("census.login_linked", f"user:{user.pk}"),
    ]
    assert verify([cast.council.ledger_chain]).ok


def test_the_printed_page_shows_the_code_the_instructions_and_the_site_address(
    cast, login, newcomer
):
    response = login(cast.electoral.user).post(
        page_url(newcomer), {"delivery": "code", "language": "es"}
    )
    page = response.content.decode()
    assert re.search(r'<code class="code">[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}</code>', page)
    assert "http://testserver/invite/" in page
    assert "Elige tu nombre de usuario y tu contraseña" in page


def test_the_code_is_stored_only_as_a_keyed_hash(cast, login, newcomer):
    code = invite_by_code(login(cast.electoral.user), newcomer)
    stored = Invitation.objects.get(resident=newcomer)
    assert code not in stored.secret_hash and code.replace("-", "") not in stored.secret_hash
    import hashlib

    assert stored.secret_hash != hashlib.sha256(code.encode()).hexdigest()


def test_a_code_works_once(cast, login, newcomer, client):
    code = invite_by_code(login(cast.electoral.user), newcomer)
    client.logout()
    assert redeem(client, code).status_code == 302
    client.logout()
    response = redeem(client, code, username="otra")
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="otra").exists()


def test_it_refuses_to_invite_a_resident_who_already_has_a_login(cast, login):
    with pytest.raises(TerritoryError, match="already has a login"):
        services.invite_resident(cast.resident, by=cast.electoral.user, delivery="code")
    client = login(cast.electoral.user)
    response = client.post(page_url(cast.resident), {"delivery": "code", "language": "es"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "ya tiene un inicio de sesión" in page
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_old_one(cast, login, newcomer, client):
    electoral = login(cast.electoral.user)
    first = invite_by_code(electoral, newcomer)
    second = invite_by_code(electoral, newcomer)
    assert Invitation.objects.filter(resident=newcomer).count() == 1
    client.logout()
    assert redeem(client, first).status_code == 400
    assert redeem(client, second).status_code == 302
    assert (
        entries(cast.council.ledger_chain)
        .filter(kind="census.invited")
        .last()
        .data["replaces_earlier"]
    )


def test_a_revoked_invitation_no_longer_works(cast, login, newcomer, client):
    electoral = login(cast.electoral.user)
    code = invite_by_code(electoral, newcomer)
    url = reverse("resident-invitation-revoke", kwargs={"slug": "consejo-a", "pk": newcomer.pk})
    assert electoral.post(url).status_code == 302
    assert entries(cast.council.ledger_chain).last().kind == "census.invitation_revoked"
    client.logout()
    assert redeem(client, code).status_code == 400
    assert Resident.objects.get(pk=newcomer.pk).user is None


def test_an_expired_code_is_refused(cast, login, newcomer, client):
    code = invite_by_code(login(cast.electoral.user), newcomer)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.logout()
    response = redeem(client, code)
    assert response.status_code == 400
    assert "no es válido" in response.content.decode()
    assert Resident.objects.get(pk=newcomer.pk).user is None


def test_the_new_password_must_pass_djangos_validators(cast, login, newcomer, client):
    code = invite_by_code(login(cast.electoral.user), newcomer)
    client.logout()
    response = redeem(client, code, password="12345678")
    assert response.status_code == 400
    assert Resident.objects.get(pk=newcomer.pk).user is None
    assert Invitation.objects.filter(resident=newcomer).exists()  # not used up


def test_the_email_invitation_is_sent_after_commit_in_the_chosen_language(
    cast, login, newcomer, client, django_capture_on_commit_callbacks
):
    electoral = login(cast.electoral.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = electoral.post(
            page_url(newcomer),
            {"delivery": "email", "email": "nueva@example.org", "language": "pt"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nueva@example.org"]
    assert "Consejo A" in message.subject and "convite" in message.subject.lower()
    link = re.search(r"http://testserver(/invite/\S+/)", message.body)[1]
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Nueva" in page.content.decode()
    response = client.post(
        link, {"username": "nueva", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert Resident.objects.get(pk=newcomer.pk).user.username == "nueva"
    client.logout()
    assert client.get(link).status_code == 404  # used once
    invited = entries(cast.council.ledger_chain).filter(kind="census.invited").last()
    assert "example.org" not in invited.payload and "Nueva" not in invited.payload


def test_no_mail_leaves_when_the_invitation_is_rolled_back(
    cast, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invite_resident(
            newcomer, by=cast.electoral.user, delivery="email", email="nueva@example.org"
        )
    mailing = [c for c in callbacks if getattr(c, "func", None) is invitations.send_email]
    assert len(mailing) == 1 and mail.outbox == []  # the mail waits for the commit


def test_a_forged_link_is_refused(cast, client):
    assert client.get(reverse("invite-link", kwargs={"token": "forged:token"})).status_code == 404


def test_a_code_for_a_resident_of_one_body_gives_no_access_to_another(cast, login, client):
    stranger = make_resident(cast.other, "Lejana")
    code = services.invite_resident(stranger, by=cast.outsider.user, delivery="code")
    assert redeem(client, code, username="lejana").status_code == 302
    user = get_user_model().objects.get(username="lejana")
    assert roles(user, cast.council) == set()
    # the body page is public; the polls and the census of the other council stay closed
    assert client.get(reverse("polls", kwargs={"slug": cast.council.slug})).status_code == 403
    assert client.get(reverse("census", kwargs={"slug": cast.council.slug})).status_code == 403
    assert client.get(reverse("polls", kwargs={"slug": cast.other.slug})).status_code == 200


def test_there_is_no_sign_up_page(db, client):
    for name in ("signup", "register-user", "django_registration_register"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    response = client.post(
        reverse("invite"),
        {"code": "", "username": "intrusa", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="intrusa").exists()


def test_guessing_codes_is_locked_after_the_failure_limit(
    cast, login, newcomer, client, settings, throttled
):
    settings.AXES_FAILURE_LIMIT = 5
    code = invite_by_code(login(cast.electoral.user), newcomer)
    client.logout()
    for attempt in range(4):
        assert redeem(client, f"ZZZZZ-ZZZZ{attempt}").status_code == 400
    assert redeem(client, "ZZZZZ-ZZZZ9").status_code == 429  # the 5th failure locks
    response = redeem(client, code)  # even the right code waits now
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()
    assert Resident.objects.get(pk=newcomer.pk).user is None
    other = client_from("10.0.0.9")  # another address is not locked
    assert redeem(other, code).status_code == 302


def client_from(address):
    from django.test import Client

    return Client(REMOTE_ADDR=address)


def test_the_commission_unlinks_a_login_and_the_ledger_records_it(cast, login):
    client = login(cast.electoral.user)
    url = reverse("resident-login-unlink", kwargs={"slug": "consejo-a", "pk": cast.resident.pk})
    assert client.post(url).status_code == 302
    user = get_user_model().objects.get(username="resident")
    assert Resident.objects.get(pk=cast.resident.pk).user is None
    assert roles(user, cast.council) == set()
    entry = entries(cast.council.ledger_chain).last()
    assert (entry.kind, entry.actor) == ("census.login_unlinked", f"user:{cast.electoral.user.pk}")
    assert verify([cast.council.ledger_chain]).ok
    # and the resident may be invited again
    assert services.invite_resident(cast.resident, by=cast.electoral.user, delivery="code")


def test_only_the_commission_and_admins_manage_logins(cast, login):
    url = reverse("resident-login-unlink", kwargs={"slug": "consejo-a", "pk": cast.admin.pk})
    assert login(cast.comptroller.user).post(url).status_code == 403
    assert Resident.objects.get(pk=cast.admin.pk).user is not None


def test_verify_passes_on_the_demo_after_an_invitation_round(cast, login, newcomer, client):
    electoral = login(cast.electoral.user)
    code = invite_by_code(electoral, newcomer)
    electoral.post(
        reverse("resident-invitation-revoke", kwargs={"slug": "consejo-a", "pk": newcomer.pk})
    )
    code = invite_by_code(electoral, newcomer)
    client.logout()
    redeem(client, code)
    login(cast.electoral.user).post(
        reverse("resident-login-unlink", kwargs={"slug": "consejo-a", "pk": newcomer.pk})
    )
    report = verify([cast.council.ledger_chain])
    assert report.ok, report.problems

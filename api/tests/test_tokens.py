"""Personal API tokens: made on a page (the secret shown once, only its hash stored), scoped,
revocable, expiring."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db
URL = "/api/v1/trainees/{}"


def test_it_shows_a_new_token_once_and_stores_only_its_hash(client, world):
    client.force_login(world.users["kansli"])
    response = client.post(reverse("api:tokens"), {"name": "Rapporter", "scopes": ["read:trainees", "read:units"]})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.users["kansli"])
    secret = response.context["secret"]
    assert secret.startswith("btp_") and secret in response.content.decode()
    assert token.key_hash == hash_token(secret) and secret not in str(token.__dict__)
    assert token.scopes == ["read:trainees", "read:units"]
    assert response["Cache-Control"].startswith("max-age=0")
    listing = client.get(reverse("api:tokens")).content.decode()
    assert secret not in listing and token.prefix in listing
    api = client.get(URL.format(world.trainee.pk), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200 and api.json()["id"] == world.trainee.pk


def test_it_refuses_a_token_without_a_scope_or_a_name(client, world):
    client.force_login(world.users["kansli"])
    response = client.post(reverse("api:tokens"), {"name": "", "scopes": []})
    assert response.status_code == 200 and response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_works(client, world, token_for):
    secret = token_for(world.users["kansli"])
    token = ApiToken.objects.get()
    client.force_login(world.users["kansli"])
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    response = client.get(URL.format(world.trainee.pk), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401


def test_no_one_revokes_another_persons_token(client, world, token_for):
    token_for(world.users["kansli"])
    token = ApiToken.objects.get()
    client.force_login(world.users["stranger_kansli"])
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_no_longer_works(client, world, token_for):
    secret = token_for(world.users["kansli"], expires_at=timezone.now() + datetime.timedelta(hours=1))
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(URL.format(world.trainee.pk), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_token_gives_only_its_scopes(client, world, token_for):
    secret = token_for(world.users["kansli"], scopes=["read:units"])
    response = client.get(URL.format(world.trainee.pk), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert "read:trainees" in response.json()["detail"]
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_a_token_of_an_inactive_person_does_not_work(client, world, token_for):
    secret = token_for(world.users["kansli"])
    world.users["kansli"].is_active = False
    world.users["kansli"].save()
    assert client.get(URL.format(world.trainee.pk), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_token_never_gives_more_than_its_owner_may(client, world, token_for):
    secret = token_for(world.users["stranger_kansli"])
    response = client.get(URL.format(world.trainee.pk), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403


def test_the_session_works_too_and_unsafe_calls_need_the_csrf_token(world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["kansli"])
    assert browser.get(URL.format(world.trainee.pk)).status_code == 200
    response = browser.post(
        URL.format(world.trainee.pk) + "/status",
        {"to": "active", "on": "2026-11-01"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_it_records_when_a_token_was_last_used(client, world, token_for):
    secret = token_for(world.users["kansli"])
    client.get(URL.format(world.trainee.pk), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ApiToken.objects.get().last_used_at is not None

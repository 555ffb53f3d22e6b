"""Issue 18 (load): the home and the cohort dashboard are kept whole per person (trainees.caching.keep_page):
a repeated visit renders no template. What the kept copy must not freeze: the CSRF token (masked anew for each
answer and bound to each browser's cookie), messages (shown once), the navigation (it follows the person's
roles, name and the address asked for), and the cohort itself (its fingerprint; the fingerprint's statement is
kept per process for a person's scope and must follow a change of that scope)."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from btportal.factories import grant, make_trainee

pytestmark = pytest.mark.django_db

HOME, DASHBOARD = "/", reverse("reports:dashboard")


@pytest.fixture(autouse=True)
def _empty():
    caches["fragments"].clear()


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _kept(client, path, **params):
    """A visit that must be served kept: no template is rendered."""
    response = client.get(path, params)
    assert response.status_code == 200
    assert response.templates == [], [t.name for t in response.templates]
    return response


def _token(response) -> str:
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()))
    assert len(tokens) == 1, tokens
    return tokens.pop()


@pytest.mark.parametrize("persona,path", [("bt_lakare", HOME), ("kansli", HOME), ("kansli", DASHBOARD)])
def test_a_repeated_visit_renders_nothing_and_shows_the_same_page(world, persona, path):
    client = _client(world.users[persona])
    first = client.get(path)
    assert first.templates  # drawn once
    again = _kept(client, path)
    strip = re.compile(r'(value=|"X-CSRFToken": )"[^"]+"')
    assert strip.sub("", again.content.decode()) == strip.sub("", first.content.decode())
    assert "\x00" not in again.content.decode()


@pytest.mark.parametrize("path", [HOME, DASHBOARD])
def test_the_token_of_a_kept_page_is_fresh_and_valid_for_each_browser(world, path):
    """Two browsers of one person: each kept answer carries a token of its own browser's secret, masked anew,
    and a form posted with it passes the CSRF check (the logout form of the navigation)."""
    user = world.users["kansli"]
    first, second = _client(user, enforce_csrf_checks=True), _client(user, enforce_csrf_checks=True)
    first.get(path)
    tokens = {_token(_kept(first, path)), _token(_kept(first, path)), _token(_kept(second, path))}
    assert len(tokens) == 3
    response = _kept(second, path)
    page = response.content.decode()
    assert f'"X-CSRFToken": "{_token(response)}"' in page  # htmx's header: the same token
    assert second.post(reverse("account_logout"), {"csrfmiddlewaretoken": _token(response)}).status_code == 302
    # the other browser's token does not work for this one (were the token kept, it would be someone's)
    third = _client(user, enforce_csrf_checks=True)
    third.get(path)
    assert third.post(reverse("account_logout"), {"csrfmiddlewaretoken": _token(response)}).status_code == 403


def test_a_message_is_shown_once_and_never_kept(world, settings):
    """The dashboard's large export sends the user back with a message: that answer is drawn, not kept, and
    the next visit has no message."""
    settings.REPORTS_INLINE_EXPORT_ROWS = 0
    client = _client(world.users["kansli"])
    client.get(DASHBOARD)
    _kept(client, DASHBOARD)
    make_trainee(home_unit=world.clinic)  # one row, above the limit of 0
    redirected = client.get(reverse("reports:dashboard_export", args=["csv"]))
    assert redirected.status_code == 302
    with_message = client.get(DASHBOARD)
    assert with_message.templates and 'class="alert' in with_message.content.decode()
    again = client.get(DASHBOARD)
    assert 'class="alert' not in again.content.decode()


def test_the_navigation_follows_the_roles_the_name_and_the_address(world):
    user = world.users["bt_lakare"]
    client = _client(user)
    client.get(HOME)
    assert f'href="{reverse("trainees:list")}"' not in _kept(client, HOME).content.decode()
    grant(user, Role.KANSLI, region=world.vgr)
    page = client.get(HOME).content.decode()
    assert f'href="{reverse("trainees:list")}"' in page
    user.first_name, user.last_name = "Ny", "Namnsson"
    user.save()
    assert "Ny Namnsson" in client.get(HOME).content.decode()
    # the same page asked with another query string is its own copy (the language form returns to it)
    page = client.get(HOME, {"x": "1"}).content.decode()
    assert 'name="next" type="hidden" value="/?x=1"' in page


def test_the_dashboard_follows_a_new_region_of_the_kansli(world):
    """The fingerprint's statement is kept per process for a scope: a new assignment is a new scope, so the
    BT-läkare of the new region are shown at the next visit, and a change among them at the one after."""
    user = world.users["kansli"]
    client = _client(user)
    stranger = world.other_trainee  # of Gävleborg
    assert f'data-trainee="{stranger.pk}"' not in client.get(DASHBOARD, {"status": "all"}).content.decode()
    assert f'data-trainee="{stranger.pk}"' not in _kept(client, DASHBOARD, status="all").content.decode()
    grant(user, Role.KANSLI, region=world.gavleborg)
    assert f'data-trainee="{stranger.pk}"' in client.get(DASHBOARD, {"status": "all"}).content.decode()
    _kept(client, DASHBOARD, status="all")
    # a BT-läkare new in the new region changes the fingerprint of the new scope, not of the old
    newcomer = make_trainee(home_unit=world.other_clinic)
    assert f'data-trainee="{newcomer.pk}"' in client.get(DASHBOARD, {"status": "all"}).content.decode()


def test_the_fingerprint_counts_versions_and_ids_and_is_zero_for_nothing(world):
    from trainees import versions
    from trainees.caching import fingerprint
    from trainees.models import Trainee

    assert fingerprint(Trainee.objects.none()) == fingerprint(Trainee.objects.filter(pk__in=[])) == "0.0.0"
    everyone = Trainee.objects.all()
    expected = (everyone.count(), sum(versions.current(everyone.values("pk")).values()), sum(t.pk for t in everyone))
    assert fingerprint(everyone) == "{}.{}.{}".format(*expected)
    versions.bump(world.trainee.pk)
    assert fingerprint(everyone, shape="test") == f"{expected[0]}.{expected[1] + 1}.{expected[2]}"

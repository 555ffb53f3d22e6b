"""What the service worker may keep offline is decided by the server (assessments.offline): the worker's
script and its configuration, and the mark on the form pages it may keep (issue 14, item 7)."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.offline import MAX_AGE_SECONDS, OFFLINE_HEADER

pytestmark = pytest.mark.django_db


def _config(response):
    first = response.content.decode().split("\n", 1)[0]
    assert first.startswith("self.BT_OFFLINE = ") and first.endswith(";")
    return json.loads(first[len("self.BT_OFFLINE = ") : -1])


def test_the_worker_is_served_from_the_root_as_javascript_to_anyone(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert 'addEventListener("fetch"' in response.content.decode()
    # The page's policy lets a worker from our own origin run; the worker's own policy keeps it same-origin.
    assert "worker-src 'self'" in settings.CONTENT_SECURITY_POLICY
    assert "connect-src 'self'" in response["Content-Security-Policy"]
    assert client.post("/sw.js").status_code == 405


def test_the_worker_handles_exactly_the_form_pages(client, world, make_request):
    issued = make_request()
    config = _config(client.get("/sw.js"))
    patterns = [re.compile(p) for p in config["forms"]]

    def handled(path):
        return any(p.search(path) for p in patterns)

    assert handled(reverse("assessments:assess", args=[issued.token]))
    assert handled(reverse("assessments:assess_logged_in", args=[issued.request.pk]))
    for other in (
        "/",
        reverse("assessments:inbox"),
        reverse("assessments:index"),
        reverse("assessments:trainee", args=[world.trainee.pk]),
        reverse("assessments:request_detail", args=[issued.request.pk]),
        world.trainee.get_absolute_url(),
        reverse("assessments:assess", args=[issued.token]) + "extra/",
    ):
        assert not handled(other), other
    assert config["maxAge"] == MAX_AGE_SECONDS == 12 * 3600
    assert config["header"] == OFFLINE_HEADER
    assert config["static"] == settings.STATIC_URL
    assert set(config["signInOut"]) == {reverse("account_login"), reverse("account_logout")}


def test_only_the_blank_form_is_marked_for_keeping(client, world, make_request):
    issued = make_request(assessor_name="Extern Läkare", assessor_email="extern.lakare@example.org")
    url = reverse("assessments:assess", args=[issued.token])
    form = client.get(url)
    assert form.status_code == 200 and form[OFFLINE_HEADER] == "form"
    # The answer to a send (errors shown with what was typed) is not kept.
    refused = client.post(url, {"overall": "3", "pin": ""})
    assert refused.status_code == 200 and OFFLINE_HEADER not in refused
    signed = client.post(url, {"overall": "3", "pin": issued.pin})
    assert signed.status_code == 302 and OFFLINE_HEADER not in signed
    # Signed: the same URL now says so, and that page is not kept either (the worker forgets the form).
    assert OFFLINE_HEADER not in client.get(url)
    assert OFFLINE_HEADER not in client.get(url + "?done=1")


def test_the_logged_in_form_is_marked_and_other_pages_are_not(client, world, make_request):
    issued = make_request()
    client.force_login(world.users["handledare"])
    form = client.get(reverse("assessments:assess_logged_in", args=[issued.request.pk]))
    assert form.status_code == 200 and form[OFFLINE_HEADER] == "form"
    assert "no-store" in form["Cache-Control"]  # the browser's HTTP cache still keeps nothing
    for other in ("/", reverse("assessments:inbox"), reverse("accounts:profile")):
        response = client.get(other)
        assert response.status_code == 200 and OFFLINE_HEADER not in response, other

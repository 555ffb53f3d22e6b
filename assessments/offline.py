"""The assessor's form works without a connection (issue 14, item 7): a service worker keeps a copy of the
form pages a person has opened, so that a reload while the hospital wifi is down still shows the form, and
draft.js fills in the unsent answers kept on the phone.

What the worker may keep is decided here, on the server, in one place:
- it handles only navigations to the form URLs (`FORM_URLS`, turned into patterns from the URLconf);
- it keeps a page only when the response says so (`allow_offline_copy` sets `OFFLINE_HEADER`): the form
  itself, never the page that says a request is signed, cancelled or expired, nor any other page;
- a copy expires after `MAX_AGE_SECONDS`, and every copy is dropped when someone logs in or out.
The worker's script is a static file (assessments/static/assessments/sw.js); `service_worker` serves it at
the site's root (a worker controls the pages under the folder it is served from) with this configuration
in front of it.
"""

import json
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import public

OFFLINE_HEADER = "X-Offline-Copy"
MAX_AGE_SECONDS = 12 * 3600
SCRIPT = "assessments/sw.js"
#: The URL names of the pages with the assessor's form (assess.html), each with a sample argument.
FORM_URLS = (("assessments:assess", "TOKEN"), ("assessments:assess_logged_in", 4242))
_ARGUMENT_PATTERN = {str: "[^/]+", int: "[0-9]+"}


def allow_offline_copy(response):
    """Mark a response as a form page the service worker may keep on the device."""
    response[OFFLINE_HEADER] = "form"
    return response


def form_patterns() -> list[str]:
    """Regular expressions (valid in JavaScript too) of the form pages' paths."""
    patterns = []
    for name, sample in FORM_URLS:
        path = re.escape(reverse(name, args=[sample]))
        patterns.append("^" + path.replace(str(sample), _ARGUMENT_PATTERN[type(sample)], 1) + "$")
    return patterns


def worker_config() -> dict:
    return {
        "forms": form_patterns(),
        "header": OFFLINE_HEADER,
        "static": settings.STATIC_URL,
        "maxAge": MAX_AGE_SECONDS,
        # A change of who is logged in drops every kept page.
        "signInOut": [reverse("account_login"), reverse("account_logout")],
    }


@public
@require_GET
def service_worker(request):
    """The service worker's script, served from the root so that its scope can be the whole site."""
    path = finders.find(SCRIPT)
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as script:
        body = "self.BT_OFFLINE = " + json.dumps(worker_config()) + ";\n" + script.read()
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response

"""The error pages: 400/403/404 in the site's layout (Django's own handlers render our templates), and
the 500 handler, which tells a database that cannot be reached (503, translated, retry later) from a
fault of ours (500).

The 500 and 503 pages are rendered without the request's context processors: they must not need the
database (the navigation asks permissions, which read role assignments) — the failing part may be it.
"""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

#: The database answered nothing usable: down, unreachable, refusing connections, or locked too long.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def database_unavailable(exc: BaseException | None) -> bool:
    """Is `exc` (or what caused it) the database being out of reach, rather than a bug of ours?"""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, UNAVAILABLE):
            return True
        if isinstance(exc, DatabaseError):
            return False
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def unavailable_response() -> HttpResponse:
    response = HttpResponse(loader.render_to_string("503.html", {}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: called inside Django's `except` block, so the exception is at hand."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    try:
        body = loader.render_to_string(template_name, {})
    except Exception:  # the error page itself must not fail
        logger.exception("the 500 page could not be rendered")
        body = "<!doctype html><title>500</title><h1>Server Error (500)</h1>"
    response = HttpResponse(body, status=500)
    response["Cache-Control"] = "no-store"
    return response

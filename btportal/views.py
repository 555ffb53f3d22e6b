import logging
import os

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from accounts.permissions import AUTHENTICATED, permission, public
from btportal.home import home_page
from core import jobs
from trainees.caching import keep_page

logger = logging.getLogger(__name__)


@permission(AUTHENTICATED)
def home(request):
    # Kept whole per person (trainees.caching.keep_page) under the key of its role sections (btportal/home.py):
    # a repeated visit reads the few facts of that key and renders nothing.
    page = home_page(request.user)
    return keep_page(
        request,
        page.cache_key,
        lambda extra: render(request, "home.html", {"home": page, **extra}),
        seconds=page.SECONDS,
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: the database does not answer")
        return "unavailable"
    return "ok"


def _check_storage() -> str:
    """The storage of uploaded files (local disk or S3-compatible) answers: a look-up of a name that need
    not exist, which reaches the backend (a HEAD request on S3) without writing anything."""
    try:
        default_storage.exists("healthz-probe")
        location = getattr(default_storage, "location", None)
        if location:
            # Local disk: the media directory (or, before the first upload, the nearest existing directory
            # above it, where it will be made) must be writable, or uploads fail.
            path = os.path.abspath(location)
            while not os.path.exists(path) and os.path.dirname(path) != path:
                path = os.path.dirname(path)
            if not os.access(path, os.W_OK):
                return "unavailable"
    except Exception:
        logger.exception("healthz: the file storage does not answer")
        return "unavailable"
    return "ok"


#: The parts /healthz checks, by name (the name appears in the answer). A failing one makes /healthz 503.
HEALTH_CHECKS = {"database": _check_database, "storage": _check_storage}


def _worker() -> dict:
    """The background worker, as /healthz reports it: "ok" (a worker's heartbeat within three heartbeat
    intervals), "down" (none heard lately) or "unknown" (the heartbeats, kept in the database, cannot be
    read), with the time of the last heartbeat heard."""
    try:
        status = jobs.worker_status()
    except Exception:
        logger.exception("healthz: the worker heartbeats cannot be read")
        return {"status": "unknown", "last_seen": None}
    return {
        "status": "ok" if status.alive else "down",
        "last_seen": status.last_seen.isoformat() if status.last_seen else None,
    }


@public
@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when every part this app server needs answers (database,
    storage), else 503 naming the failing parts. It never touches the session or the user, so it answers
    even when the database does not.

    The background worker is reported (`worker`) but does not make the answer 503: the worker is another
    process, often on another machine, and a load balancer that took app servers out of service because the
    worker is down would stop every page for want of background jobs. Monitoring alerts on
    `/healthz/worker`, which is 503 while no worker is heard from (docs/operations.md, "Monitoring")."""
    checks = {name: check() for name, check in HEALTH_CHECKS.items()}
    failing = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not failing else "unavailable", "checks": checks, "worker": _worker()}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


@public
@never_cache
def healthz_worker(request):
    """For monitoring: 200 while a background worker is heard from, 503 when none is (or the heartbeats
    cannot be read)."""
    worker = _worker()
    return JsonResponse(worker, status=200 if worker["status"] == "ok" else 503)


@permission(AUTHENTICATED)
@never_cache
def healthz_session(request):
    """The smallest page behind a login: the session and the user are read (as every page reads them), nothing
    else. The load benchmark (bench/load) measures the real pages against it; it shows nothing but "ok". (Under
    /healthz, so the staff's second-factor redirect does not apply to it: there is nothing behind it to protect.)"""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@public
def admin_login(request, extra_context=None):
    """The Django admin's login page, replaced: everyone logs in through the one login page (allauth's), so
    two-factor codes, the identity providers, the staff password switch and the login log apply to the
    admin too. A logged-in person without admin access gets 403 rather than a second login form."""
    from django.contrib import admin

    next_url = request.GET.get("next", "")
    if not next_url or not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
    return redirect_to_login(next_url)

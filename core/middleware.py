"""Request hygiene shared by every page and the API.

A NUL character cannot be stored in PostgreSQL text (it raises DataError, a 500) and has no place in any
value a person types; a request that carries one — in the query string, a form field or a JSON
body — is refused with 400 before any view sees it. A single form field longer than MAX_FIELD_CHARS is refused the same way: no form takes that much (forms bound
their text, `core.forms.harden`), so such a value is an attack or an accident, never something to store.
Uploaded files are not inspected (binary files may
hold NUL bytes; their content is checked where they are read).
"""

from django.core.exceptions import BadRequest
from django.http import JsonResponse

NUL = "\x00"
MAX_FIELD_CHARS = 50_000


def _has_nul(querydict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in querydict.lists())


def _too_long(querydict) -> bool:
    return any(len(value) > MAX_FIELD_CHARS for _key, values in querydict.lists() for value in values)


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = self.refusal(request)
        if reason is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # The API answers in the JSON its OpenAPI document declares for 400, never an HTML page.
            return JsonResponse({"detail": reason}, status=400)
        raise BadRequest(reason)

    @staticmethod
    def refusal(request) -> str | None:
        # The path is left to the views: a converter matches or not, and a view with a free-text part
        # (a verification code, a delmål code) checks its shape before any query.
        if _has_nul(request.GET):
            return "NUL character in the address"
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                if _has_nul(request.POST):
                    return "NUL character in the form"
                if _too_long(request.POST):
                    return "a form field is too long"
            elif content_type.endswith("json") and (b"\\u0000" in request.body or b"\x00" in request.body):
                return "NUL character in the body"
        return None


class SecurityHeadersMiddleware:
    """Headers every dynamic response gets (static files are answered by WhiteNoise before this runs):

    - Content-Security-Policy (settings.CONTENT_SECURITY_POLICY): scripts and styles only from our own
      static files — no inline script, no inline style attribute, no CDN; nothing may frame the pages.
    - Permissions-Policy (settings.PERMISSIONS_POLICY): no camera, microphone, location, payment or USB.
    - Cache-Control: no-store — pages, exports and files carry personal data and must not stay in a shared
      computer's browser cache or a proxy; a response that declares itself public keeps its own header.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = settings.CONTENT_SECURITY_POLICY
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        cache = response.headers.get("Cache-Control", "")
        if "public" not in cache and "no-store" not in cache:
            response.headers["Cache-Control"] = f"{cache}, no-store" if cache else "no-store"
        return response

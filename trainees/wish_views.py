"""The placement-wishes page of a BT-läkare (their own, or as the office that plans them)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import permission
from core.errors import DomainError
from core.forms import object_id
from core.locking import posted_version
from trainees import wishes as service
from trainees.models import WishStrength
from trainees.permissions import EDIT_WISHES as PERM
from trainees.views import _trainee_for


@permission(PERM)
@require_http_methods(["GET", "POST"])
def edit_wishes(request, pk):
    trainee = _trainee_for(request, pk, PERM)
    saved = service.current(trainee)
    chosen, error = saved, None
    if request.method == "POST":
        chosen = {}
        try:
            for key, value in request.POST.items():
                if key.startswith("unit-") and value not in ("", "0"):
                    chosen[object_id(key.removeprefix("unit-"))] = int(value)
        except ValueError:
            error = _("Choose one of the offered wishes for each unit.")
        if error is None:
            try:
                expected = posted_version(request.POST, message=service.stale_message())
                service.save_wishes(trainee, chosen, by=request.user, expected_version=expected)
            except DomainError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Your placement wishes were saved."))
                return redirect("trainees:wishes", pk=trainee.pk)
    units = list(service.wishable_units(trainee))
    rows = [(unit, chosen.get(unit.pk, 0)) for unit in units]
    return render(
        request,
        "trainees/wishes.html",
        {
            "trainee": trainee,
            "rows": rows,
            "choices": WishStrength.choices,
            "error": error,
            "version": service.version(saved),
            "max_wishes": service.MAX_WISHES,
            "max_avoid": service.MAX_AVOID,
        },
        status=400 if error else 200,
    )

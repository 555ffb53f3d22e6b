from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can


def navigation(request):
    """Main navigation: only the links the user may follow."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    candidates = [
        ("home", _("Home"), reverse("home"), None),
        ("trainees", _("BT doctors"), reverse("trainees:list"), "trainees.list_trainees"),
        ("organisations", _("Units"), reverse("organisations:regions"), "organisations.view_region"),
        ("supervisors", _("Supervisors"), reverse("accounts:supervisors"), "accounts.list_supervisors"),
        ("planning", _("Cohort planning"), reverse("scheduling:runs"), "scheduling.plan"),
        ("intake", _("Intake"), reverse("intake:rounds"), "intake.manage"),
        ("goals", _("Goals"), reverse("goals:list"), "goals.view"),
    ]
    items = [(key, label, url) for key, label, url, perm in candidates if perm is None or can(user, perm)]
    return {"nav_items": items}

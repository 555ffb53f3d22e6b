"""The region's register of approved external assessors (extern bedömare): search and
activation. Entries are added and edited through `forms.ApprovedAssessorForm`; every change is
kept in the entry's history (simple_history, with the user who made it)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext

from accounts.models import ApprovedAssessor


class Show:
    ACTIVE = "active"
    INACTIVE = "inactive"
    ALL = "all"


def search(queryset, *, q: str = "", show: str = Show.ACTIVE):
    """Entries matching every word of `q` (name, email, specialty or workplace)."""
    qs = queryset.select_related("user", "region", "workplace")
    for word in (q or "").split()[:6]:
        qs = qs.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(specialty__icontains=word)
            | Q(workplace__name__icontains=word)
        )
    if show == Show.ACTIVE:
        qs = qs.filter(active=True)
    elif show == Show.INACTIVE:
        qs = qs.filter(active=False)
    return qs


@transaction.atomic
def set_active(approved: ApprovedAssessor, *, active: bool) -> int:
    """Activate or deactivate an entry. A deactivated assessor cannot be assigned again; the
    assignments already made stay (they are part of the trainees' records). Returns how many
    assignments are valid today."""
    approved = ApprovedAssessor.objects.select_for_update().get(pk=approved.pk)
    if approved.active != active:
        approved.active = active
        approved.save(update_fields=["active"])
    today = timezone.localdate()
    return approved.assignments.filter(valid_from__lte=today, valid_to__gte=today).count()


def ensure_assessor_role(approved: ApprovedAssessor) -> bool:
    """An approved assessor logs in as extern bedömare to make final assessments: give the
    person the role when they do not hold it (what they see is still only the trainees assigned
    to them). Returns whether the role was granted now."""
    from accounts.models import Role, RoleAssignment

    if RoleAssignment.objects.active().filter(user=approved.user, role=Role.EXTERN_BEDOMARE).exists():
        return False
    RoleAssignment.objects.create(user=approved.user, role=Role.EXTERN_BEDOMARE, region=approved.region)
    return True


@transaction.atomic
def add(form) -> tuple[ApprovedAssessor, bool]:
    """Save a new entry from a valid `ApprovedAssessorForm`; returns it and whether the role was granted."""
    approved = form.save()
    return approved, ensure_assessor_role(approved)


def options_html(assessors):
    """The `<option>`s of the readiness page's assign form, one per entry: "Name – specialty (trained
    YYYY-MM-DD)". Written here, not by the template once per entry: a region's register has a
    hundred entries, and the template's loop over them was a third of the page's rendering."""
    trained = gettext("trained")
    return format_html_join(
        "",
        '<option value="{}">{} – {} ({} {})</option>',
        (
            (a.pk, a.user.get_full_name(), a.specialty, trained, a.training_date.isoformat() if a.training_date else "")
            for a in assessors
        ),
    )

"""Certificate pages: readiness, external assessor, final assessment, PDFs, issuing,
verification (public) and the application bundle. Each view declares its permission and
fetches the trainee through the permission layer."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import strong_auth
from accounts.models import ApprovedAssessor
from accounts.permissions import is_admin, permission, public
from core.errors import DomainError
from core.forms import MAX_DATE, MIN_DATE, current_form
from core.locking import StaleEdit
from portfolio.progress import goals_for
from trainees.models import AssessorAssignment, Trainee

from . import pdf, register, services, signatures
from . import readiness as readiness_module
from .forms import ApprovedAssessorForm, ServiceSignatureForm
from .models import DocumentKind, FinalAssessment, GoalJudgement, IssuedDocument
from .permissions import (
    ASSESSOR_REGISTER,
    BUNDLE,
    FINAL_ASSESSMENT,
    MANAGE,
    MANAGE_ASSESSORS,
    SIGN_FINAL,
    SIGN_SERVICE,
)
from .permissions import VIEW_READINESS as VIEW


def _trainee(request, pk, perm=VIEW) -> Trainee:
    return perm.get_object(request.user, Trainee.objects.select_related("user", "home_unit", "main_supervisor"), pk=pk)


class _Allows:
    """`perm.allows(user, trainee)` for one user and one trainee, asking the database once per scope:
    permissions that differ only in their roles share the scope's answer (most of a page's links are
    within `visible_trainees`). `known`: scopes already checked (the permission the page was opened with)."""

    def __init__(self, user, trainee, *known):
        self.user, self.trainee = user, trainee
        self.scopes = {perm.scope: True for perm in known}

    def __call__(self, perm) -> bool:
        if perm.scope is None or perm.public:
            return perm.allows(self.user)
        if not perm.allows(self.user):  # the roles (no query)
            return False
        if perm.scope not in self.scopes:
            self.scopes[perm.scope] = perm.allows(self.user, self.trainee)
        return self.scopes[perm.scope]


def _only_links_they_may_open(r, allows):
    """A blocker says where it is fixed; the link is shown only to those whose permission lets them
    open that page for this trainee (the reason is shown to everyone)."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    may_open = {}  # path → may they open it: the blockers link to a few pages, each resolved once
    for blocker in r.blockers:
        if not blocker.fix_url:
            continue
        path = urlsplit(blocker.fix_url).path  # without the query or the #fragment
        if path not in may_open:
            try:
                perm = getattr(resolve(path).func, "permission", None)
            except Resolver404:
                perm = None
            may_open[path] = perm is not None and allows(perm)
        if not may_open[path]:
            blocker.fix_url = ""
    return r


@permission(VIEW)
def readiness(request, pk):
    # The main supervisor's profile (for the plan check's supervisor findings) read with the trainee.
    trainee = VIEW.get_object(
        request.user, Trainee.objects.select_related("user", "home_unit", "main_supervisor__supervisor_profile"), pk=pk
    )
    r = services.readiness(trainee, viewer=request.user)
    allows = _Allows(request.user, trainee, VIEW)
    documents = list(trainee.issued_documents.all())
    ctx = {
        "trainee": trainee,
        "r": _only_links_they_may_open(r, allows),
        "final": r.final,
        "can_manage": allows(MANAGE),
        "can_sign": allows(SIGN_FINAL),
        "can_bundle": allows(BUNDLE),
        "kinds": [(k, label, pdf.has_official(k)) for k, label in DocumentKind.choices],
        "assignments": trainee.assessor_assignments.select_related("assessor__user"),
        "documents": documents,
        "issued_valid": any(d.revoked_at is None for d in documents),
        "b3_state": r.signature,
        "can_sign_service": allows(SIGN_SERVICE),
        "can_open_final": allows(FINAL_ASSESSMENT),
        "b3_overflow": pdf.bilaga3_overflow(trainee, placements=r.placements),
        "b3_rows": pdf.B3_ROWS,
        "can_keep_register": MANAGE_ASSESSORS.allows(request.user),
    }
    if ctx["can_manage"]:
        # The choices of the form; an assessor's conflicts are checked when they are assigned
        # (`services.assign_assessor`), not computed here for every row of the register.
        ctx["register"] = list(
            ASSESSOR_REGISTER.queryset(request.user)
            .filter(active=True, region=trainee.region_id)
            .select_related("user")
        )
        ctx["register_options"] = register.options_html(ctx["register"])
    return render(request, "certificates/readiness.html", ctx)


@permission(MANAGE)
@require_POST
def override(request, pk):
    trainee = _trainee(request, pk, MANAGE)
    try:
        services.override_readiness(trainee, reason=request.POST.get("reason", ""), by=request.user)
        messages.success(request, _("The override is recorded."))
    except DomainError as e:
        messages.error(request, str(e))
    return redirect("certificates:readiness", trainee.pk)


def _date(value, default):
    """A date posted as YYYY-MM-DD within the dates a form takes (core.forms), else None."""
    try:
        day = datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return None
    return day if MIN_DATE <= day <= MAX_DATE else None


@permission(MANAGE)
@require_POST
def assign(request, pk):
    trainee = _trainee(request, pk, MANAGE)
    approved = ASSESSOR_REGISTER.get_object(
        request.user,
        ApprovedAssessor.objects.all(),
        pk=request.POST.get("assessor") or 0,
    )
    today = timezone.localdate()
    start = _date(request.POST.get("valid_from"), today)
    end = _date(request.POST.get("valid_to"), today + datetime.timedelta(days=90))
    if start is None or end is None:
        messages.error(request, _("Enter dates as YYYY-MM-DD."))
        return redirect("certificates:readiness", trainee.pk)
    try:
        services.assign_assessor(
            trainee, approved, valid_from=start, valid_to=end, by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The external assessor is assigned."))
    except DomainError as e:
        messages.error(request, str(e))
    return redirect("certificates:readiness", trainee.pk)


@permission(MANAGE)
@require_POST
def start_final(request, pk):
    trainee = _trainee(request, pk, MANAGE)
    try:
        services.start_final_assessment(trainee, by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("certificates:readiness", trainee.pk)
    return redirect("certificates:final", trainee.pk)


@permission(FINAL_ASSESSMENT)
def final(request, pk):
    trainee = _trainee(request, pk, FINAL_ASSESSMENT)
    fa = get_object_or_404(FinalAssessment, trainee=trainee)
    role = services.role_in(fa, request.user)
    goals = list(goals_for(trainee))
    if request.method == "POST":
        if role is None:
            raise PermissionDenied
        signing = request.POST.get("action") == "sign"
        try:
            # Signing saves first: what the assessor chose on this page is kept whatever happens to
            # the signature (a missing place, a goal left out), and the page shows it again.
            if not signing or _has_judgement_input(request.POST, goals):
                _record_posted_judgement(request, fa, role, goals)
                if not signing:
                    messages.success(request, _("Your judgement is saved."))
            if signing:
                strong_auth.require_recent_authentication(request)
                services.sign_final(fa, user=request.user, place=request.POST.get("place", ""))
                messages.success(request, _("You have signed the final assessment."))
        except DomainError as e:
            messages.error(request, str(e))
        return redirect("certificates:final", trainee.pk)
    by_goal = {}
    for j in fa.judgements.all():
        by_goal.setdefault(j.goal_id, {})[j.by_role] = j
    mine_signed = bool(fa.main_signed_at if role == GoalJudgement.MAIN else fa.external_signed_at) if role else True
    other = {GoalJudgement.MAIN: GoalJudgement.EXTERNAL, GoalJudgement.EXTERNAL: GoalJudgement.MAIN}.get(role)
    rows = [
        {
            "goal": g,
            "main": by_goal.get(g.pk, {}).get(GoalJudgement.MAIN),
            "external": by_goal.get(g.pk, {}).get(GoalJudgement.EXTERNAL),
            "mine": by_goal.get(g.pk, {}).get(role) if role else None,
            "other": by_goal.get(g.pk, {}).get(other) if other else None,
        }
        for g in goals
    ]
    if role == GoalJudgement.MAIN:
        my_verdict, my_comment = fa.main_verdict, fa.main_comment
    elif role == GoalJudgement.EXTERNAL:
        my_verdict, my_comment = fa.external_verdict, fa.external_comment
    else:
        my_verdict, my_comment = None, ""
    return render(
        request,
        "certificates/final.html",
        {
            "trainee": trainee,
            "fa": fa,
            "rows": rows,
            "role": role,
            "other_role_label": dict(GoalJudgement._meta.get_field("by_role").choices).get(other, ""),
            "editable": role and not mine_signed,
            "my_verdict": my_verdict,
            "my_comment": my_comment,
            "judged": sum(1 for r in rows if r["mine"]),
        },
    )


def _has_judgement_input(post, goals) -> bool:
    return "verdict" in post or any(f"goal_{g.code}" in post for g in goals)


def _record_posted_judgement(request, fa, role, goals):
    """Save the judgements, verdict and comment posted; what was not posted stays as it was."""
    post = request.POST
    judgements = {
        g: (post.get(f"goal_{g.code}") == "yes", post.get(f"comment_{g.code}", "").strip())
        for g in goals
        if post.get(f"goal_{g.code}") in ("yes", "no")
    }
    if role == GoalJudgement.MAIN:
        verdict, comment = fa.main_verdict, fa.main_comment
    else:
        verdict, comment = fa.external_verdict, fa.external_comment
    if "verdict" in post:
        verdict = {"yes": True, "no": False}.get(post.get("verdict"))
    if "comment" in post:
        comment = post.get("comment", "")
    services.record_judgement(fa, user=request.user, judgements=judgements, verdict=verdict, comment=comment)


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@permission(VIEW)
def document(request, pk, kind, source="own"):
    trainee = _trainee(request, pk)
    if kind not in DocumentKind.values:
        raise Http404
    if source == "official":
        if not pdf.has_official(kind):
            raise Http404
        return _pdf_response(pdf.merge(pdf.fill_official(trainee, kind)), f"{kind}-official.pdf")
    return _pdf_response(pdf.render_own(trainee, kind), f"{kind}.pdf")


@permission(MANAGE)
@require_POST
def issue(request, pk):
    trainee = _trainee(request, pk, MANAGE)
    strong_auth.require_recent_authentication(request)
    try:
        services.issue_certificates(trainee, by=request.user)
        messages.success(request, _("The BT certificates are issued."))
    except DomainError as e:
        messages.error(request, str(e))
    return redirect("certificates:readiness", trainee.pk)


@permission(MANAGE)
@require_POST
def revoke(request, pk, doc):
    trainee = _trainee(request, pk, MANAGE)
    document = get_object_or_404(IssuedDocument, trainee=trainee, pk=doc)
    try:
        services.revoke(document, reason=request.POST.get("reason", ""), by=request.user)
        messages.success(request, _("The document is revoked."))
    except DomainError as e:
        messages.error(request, str(e))
    return redirect("certificates:readiness", trainee.pk)


@permission(VIEW)
def issued_file(request, pk, doc):
    trainee = _trainee(request, pk)
    document = get_object_or_404(IssuedDocument, trainee=trainee, pk=doc)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.code}.pdf",
        content_type="application/pdf",
    )


@public
def verify(request, code):
    v = services.verification(code)
    status = 404 if v.state in (services.VerifyState.UNKNOWN, services.VerifyState.MALFORMED) else 200
    return render(
        request,
        "certificates/verify.html",
        {"v": v, "state": v.state, "doc": v.doc, "attested": v.attested, "code": code[:40]},
        status=status,
    )


@permission(BUNDLE)
def bundle(request, pk):
    """One PDF: Bilaga 1 first, then the others in the order Bilaga 1's list numbers them,
    then a checklist of signatures still needed. Official forms when available."""
    trainee = _trainee(request, pk, BUNDLE)
    blockers = readiness_module.bundle_blockers(trainee, viewer=request.user)
    if blockers:
        for b in blockers:
            messages.error(request, b.reason)
        return redirect(blockers[0].fix_url or reverse("certificates:readiness", args=[trainee.pk]))
    parts = []
    for kind in (DocumentKind.BILAGA1, DocumentKind.BILAGA2, DocumentKind.BILAGA3, DocumentKind.BILAGA4):
        issued = trainee.issued_documents.filter(kind=kind, revoked_at=None).first()
        if issued:
            with issued.file.open("rb") as fh:
                parts.append(fh.read())
        elif pdf.has_official(kind):
            parts.extend(pdf.fill_official(trainee, kind))
        else:
            parts.append(pdf.render_own(trainee, kind))
    parts.append(pdf.render_checklist(trainee))
    return _pdf_response(pdf.merge(parts), "bt-application.pdf")


@permission(FINAL_ASSESSMENT)
def assigned(request):
    """The extern bedömare's list: trainees assigned to them now, with their final assessment."""
    today = timezone.localdate()
    rows = AssessorAssignment.objects.filter(
        assessor__user=request.user, valid_from__lte=today, valid_to__gte=today
    ).select_related("trainee__user")
    main = Trainee.objects.filter(main_supervisor=request.user, final_assessment__isnull=False).select_related("user")
    return render(request, "certificates/assigned.html", {"rows": rows, "main": main})


# ---------------------------------------------------------------------------
# The register of approved external assessors (kansli, admin)
# ---------------------------------------------------------------------------


@permission(MANAGE_ASSESSORS)
def assessors(request):
    q = request.GET.get("q", "")[:100]
    show = request.GET.get("show", register.Show.ACTIVE)
    if show not in (register.Show.ACTIVE, register.Show.INACTIVE, register.Show.ALL):
        show = register.Show.ACTIVE
    rows = register.search(ASSESSOR_REGISTER.queryset(request.user), q=q, show=show)
    return render(request, "certificates/assessors.html", {"rows": rows, "q": q, "show": show})


@permission(MANAGE_ASSESSORS)
def assessor_add(request):
    form = ApprovedAssessorForm(
        request.POST or None, regions=MANAGE_ASSESSORS.queryset(request.user), anyone=is_admin(request.user)
    )
    if request.method == "POST" and form.is_valid():
        approved, granted = register.add(form)
        name = approved.user.get_full_name() or approved.user.email
        messages.success(request, _("%(name)s is added to the register.") % {"name": name})
        if granted:
            messages.info(
                request,
                _("%(name)s now has the role external assessor (they see only the BT doctors assigned to them).")
                % {"name": name},
            )
        return redirect("certificates:assessors")
    return render(request, "certificates/assessor_form.html", {"form": form})


@permission(ASSESSOR_REGISTER)
def assessor_edit(request, pk):
    approved = ASSESSOR_REGISTER.get_object(
        request.user, ApprovedAssessor.objects.select_related("user", "region"), pk=pk
    )
    regions = MANAGE_ASSESSORS.queryset(request.user)
    form = ApprovedAssessorForm(request.POST or None, instance=approved, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEdit as error:
            form = current_form(ApprovedAssessorForm, approved, error, regions=regions)
            return render(request, "certificates/assessor_form.html", {"form": form, "approved": approved}, status=409)
        messages.success(request, _("The register entry is saved."))
        return redirect("certificates:assessors")
    return render(request, "certificates/assessor_form.html", {"form": form, "approved": approved})


@permission(ASSESSOR_REGISTER)
@require_POST
def assessor_active(request, pk):
    approved = ASSESSOR_REGISTER.get_object(request.user, ApprovedAssessor.objects.select_related("user"), pk=pk)
    active = request.POST.get("active") == "1"
    current = register.set_active(approved, active=active)
    if active:
        register.ensure_assessor_role(approved)
        messages.success(request, _("The assessor is active again."))
    elif current:
        messages.warning(
            request,
            _(
                "The assessor is deactivated and can no longer be assigned. %(n)s current assignment(s) remain valid until they end."
            )
            % {"n": current},
        )
    else:
        messages.success(request, _("The assessor is deactivated and can no longer be assigned."))
    return redirect("certificates:assessors")


# ---------------------------------------------------------------------------
# Bilaga 3: the verksamhetschef signs the certificate of completed service
# ---------------------------------------------------------------------------


@permission(SIGN_SERVICE)
def service_list(request):
    show_all = request.GET.get("all") == "1"
    rows = signatures.candidates(SIGN_SERVICE.queryset(request.user), show_all=show_all)
    return render(
        request,
        "certificates/service_list.html",
        {
            "rows": rows,
            "show_all": show_all,
            "nearly_days": signatures.NEARLY_DAYS,
        },
    )


@permission(SIGN_SERVICE)
def service_sign(request, pk):
    trainee = SIGN_SERVICE.get_object(request.user, Trainee.objects.select_related("user", "home_unit"), pk=pk)
    b3 = services.bilaga3(trainee)
    state = b3["signature_state"]
    form = ServiceSignatureForm(request.POST or None, initial={"sha256": state.sha256})
    if request.method == "POST":
        strong_auth.require_recent_authentication(request)
    if request.method == "POST" and form.is_valid():
        try:
            signatures.sign_service(
                trainee,
                user=request.user,
                title=form.cleaned_data["title"],
                place=form.cleaned_data["place"],
                expected_sha256=form.cleaned_data["sha256"],
            )
            messages.success(
                request, _("You have signed Bilaga 3 for %(name)s.") % {"name": trainee.user.get_full_name()}
            )
            return redirect("certificates:service_sign", trainee.pk)
        except DomainError as e:
            messages.error(request, str(e))
            form = ServiceSignatureForm(
                initial={
                    "sha256": state.sha256,
                    "title": form.cleaned_data["title"],
                    "place": form.cleaned_data["place"],
                }
            )
    end = signatures.service_end(trainee)
    return render(
        request,
        "certificates/service_sign.html",
        {
            "trainee": trainee,
            "b3": b3,
            "state": state,
            "form": form,
            "end": end,
            "signable_from": signatures.signable_from(end) if end else None,
            "signable": bool(end) and signatures.signable_from(end) <= timezone.localdate(),
            "history": trainee.service_signatures.all(),
        },
    )

"""The verksamhetschef's signature of Bilaga 3 (intyg om fullgjord bastjänstgöring).

Who signs: a verksamhetschef whose scope covers the trainee's *home unit* — the employing unit
responsible for the BT (`certificates.permissions.service_signing_trainees`). Heads of units that
only host a placement do not sign the whole certificate.

What a signature covers: the content of Bilaga 3 that the signer reviewed (person, placements
with period, extent and full-time months, the sum, the primärvård and akut parts), stored as a
snapshot with its SHA-256. When that content changes afterwards (a placement is moved, added or
removed) the signature is *out of date*: it stays on record but no longer fills the form, and a
new signature is needed. Signatures are immutable rows (see `ServiceSignature`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from trainees.models import Trainee, TraineeStatus

from .content import unit_name
from .models import ServiceSignature

# Bilaga 3 certifies *completed* service ("har fullgjort bastjänstgöring"): it is signed on the
# last placement's end date at the earliest, never ahead of it.
# The list shows trainees whose service has ended or ends within this many days.
NEARLY_DAYS = 60


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_content(trainee) -> dict:
    from .content import bilaga3_content

    return bilaga3_content(trainee)


class SignatureStatus:
    UNSIGNED = "unsigned"
    SIGNED = "signed"
    OUTDATED = "outdated"


@dataclass
class SignatureState:
    signature: ServiceSignature | None  # the latest signature, current or not
    current: bool  # it covers the content as it is now
    sha256: str  # the hash of the content as it is now

    @property
    def status(self) -> str:
        if self.signature is None:
            return SignatureStatus.UNSIGNED
        return SignatureStatus.SIGNED if self.current else SignatureStatus.OUTDATED

    @property
    def valid_signature(self) -> ServiceSignature | None:
        return self.signature if self.current else None


def signature_state(trainee, content: dict | None = None) -> SignatureState:
    content = current_content(trainee) if content is None else content
    digest = content_hash(content)
    latest = trainee.service_signatures.select_related("signed_by").first()
    return SignatureState(latest, bool(latest and latest.content_sha256 == digest), digest)


def service_end(trainee) -> datetime.date | None:
    return trainee.placements.aggregate(end=Max("end"))["end"]


def signable_from(end: datetime.date) -> datetime.date:
    """The first day Bilaga 3 may be signed: the last placement's end date."""
    return end


@transaction.atomic
def sign_service(trainee, *, user, title: str, place: str = "", expected_sha256: str = "") -> ServiceSignature:
    """Sign Bilaga 3 as it is now. `expected_sha256` is the hash of the content the signer was
    shown; when the placements changed meanwhile the signature is refused."""
    trainee = Trainee.objects.select_for_update(of=("self",)).select_related("home_unit__parent").get(pk=trainee.pk)
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise DomainError(_("Give your title (for example verksamhetschef)."))
    if not place:
        raise DomainError(_("Give the place (ort) where you sign: Bilaga 3 states place and date."))
    if len(title) > 120 or len(place) > 80:
        raise DomainError(_("The title or the place is too long."))
    content = current_content(trainee)
    if not content["rows"]:
        raise DomainError(_("There are no placements to certify."))
    end = service_end(trainee)
    today = timezone.localdate()
    if signable_from(end) > today:
        raise DomainError(
            _("Bilaga 3 certifies completed service: it can be signed on the last day of service (%(end)s) or later.")
            % {"end": end.isoformat()}
        )
    state = signature_state(trainee, content)
    if expected_sha256 and expected_sha256 != state.sha256:
        raise DomainError(
            _("The placements changed while you were reviewing them. Review the new content and sign again.")
        )
    if state.current:
        raise DomainError(_("Bilaga 3 is already signed and its content has not changed."))
    return ServiceSignature.objects.create(
        trainee=trainee,
        signed_by=user,
        signer_name=user.get_full_name() or user.email,
        signer_title=title,
        workplace=unit_name(trainee.home_unit),
        place=place,
        content=content,
        content_sha256=state.sha256,
    )


@dataclass
class Candidate:
    trainee: Trainee
    end: datetime.date
    state: SignatureState

    @property
    def complete(self) -> bool:
        return self.end < timezone.localdate()

    @property
    def nearly(self) -> bool:
        return not self.complete and self.end <= timezone.localdate() + datetime.timedelta(days=NEARLY_DAYS)

    @property
    def signable(self) -> bool:
        return signable_from(self.end) <= timezone.localdate()


def candidates(queryset, *, show_all: bool = False) -> list[Candidate]:
    """The trainees of `queryset` (the signer's scope) with placements, whose service has ended
    or ends within NEARLY_DAYS (all when `show_all`), the first to end first."""
    qs = (
        queryset.exclude(status=TraineeStatus.DISCONTINUED)
        .annotate(service_end=Max("placements__end"))
        .filter(service_end__isnull=False)
        .select_related("user", "home_unit")
        .order_by("service_end", "user__last_name")
    )
    if not show_all:
        qs = qs.filter(service_end__lte=timezone.localdate() + datetime.timedelta(days=NEARLY_DAYS))
    return [Candidate(t, t.service_end, signature_state(t)) for t in qs]

"""Issuing the certificates (Bilaga 2, 3, 4 as the system's own PDFs with a verification code) and
verifying them at /verify/<code>/.

An issued document records what it attests (`attestation`): the content and who signed it, when
and where — Bilaga 2 the huvudhandledare's signed judgement of the delmål, Bilaga 3 the
verksamhetschef's signature of the placements, Bilaga 4 both assessors' signatures of the final
assessment. Verification recomputes the attestation from the data as it is now: a document is
valid only when its file is unchanged, it is not revoked, every required signature was there when
it was issued, and what it attests has not changed since (a placement edited after issuing makes
the issued Bilaga 3 "not valid").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from . import content
from .models import DocumentKind, GoalJudgement, IssuedDocument
from .signatures import content_hash, signature_state

ISSUED_KINDS = (DocumentKind.BILAGA2, DocumentKind.BILAGA3, DocumentKind.BILAGA4)
MAIN, EXTERNAL, HEAD_OF_UNIT = "main_supervisor", "external_assessor", "head_of_unit"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signature(role: str, name: str, signed_at, place: str, title: str = "") -> dict | None:
    if not signed_at:
        return None
    return {
        "role": role,
        "name": name,
        "title": title,
        "signed_at": timezone.localtime(signed_at).isoformat(timespec="minutes"),
        "place": place,
    }


def attestation(trainee, kind: str) -> tuple[dict, object]:
    """What a document of `kind` attests as the data stands now (JSON-safe), and the Bilaga 3
    signature it rests on (None for the other kinds). The signers' names are as they signed;
    profile data (specialty, workplace) is not part of it, so a supervisor who moves on does not
    change what was attested."""
    person = {"name": trainee.user.get_full_name(), "personnummer": content.pnr(trainee.user)}
    final = content.final_of(trainee)
    if kind == DocumentKind.BILAGA3:
        b3 = content.bilaga3_content(trainee)
        sig = signature_state(trainee, b3).valid_signature
        signatures = [
            _signature(HEAD_OF_UNIT, sig.signer_name, sig.signed_at, sig.place, sig.signer_title) if sig else None
        ]
        fields = {
            "rows": [{k: r[k] for k in ("unit", "period", "extent", "months")} for r in b3["rows"]],
            "total": b3["total"],
            "primary_care": b3["primary_care"],
            "emergency_care": b3["emergency_care"],
        }
        return {"kind": kind, "person": person, "content": fields, "signatures": signatures}, sig
    main = external = None
    if final is not None:
        main = _signature(
            MAIN,
            final.main_supervisor.get_full_name() if final.main_supervisor_id else "",
            final.main_signed_at,
            final.main_place,
        )
        external = _signature(
            EXTERNAL,
            final.external.get_full_name() if final.external_id else "",
            final.external_signed_at,
            final.external_place,
        )
    if kind == DocumentKind.BILAGA2:
        from portfolio.progress import goals_for

        attained = []
        if final is not None:
            attained = sorted(
                j.goal.code
                for j in final.judgements.select_related("goal").filter(by_role=GoalJudgement.MAIN, attained=True)
            )
        goals = [g.code for g in goals_for(trainee)]
        fields = {"goals": goals, "attained": [g for g in goals if g in attained]}
        return {"kind": kind, "person": person, "content": fields, "signatures": [main]}, None
    if kind == DocumentKind.BILAGA4:
        fields = {
            "all_goals_attained": bool(final and final.approved),
        }
        return {"kind": kind, "person": person, "content": fields, "signatures": [main, external]}, None
    raise ValueError(kind)


def missing_signatures(attested: dict) -> bool:
    return not attested.get("signatures") or any(s is None for s in attested["signatures"])


@transaction.atomic
def issue_certificates(trainee, *, by) -> list[IssuedDocument]:
    """The kansli issues the set (Bilaga 2, 3, 4 as the system's own PDFs with a code and QR). Refused
    while anything holds issuing back (readiness, stage ISSUE): among it an unsigned or out-of-date
    Bilaga 3 and a final assessment not signed by both."""
    from .pdf import render_own
    from .readiness import readiness

    blockers = readiness(trainee).issue_blockers
    if blockers:
        raise DomainError(
            _("The certificates cannot be issued yet: %(reasons)s") % {"reasons": " ".join(b.reason for b in blockers)}
        )
    if trainee.issued_documents.filter(revoked_at=None).exists():
        raise DomainError(_("A valid certificate set has already been issued; revoke it first."))
    docs = []
    for kind in ISSUED_KINDS:
        attested, sig = attestation(trainee, kind)
        if missing_signatures(attested):  # readiness says so first; never issue an unsigned document
            raise DomainError(_("A required signature is missing."))
        doc = IssuedDocument(
            trainee=trainee,
            kind=kind,
            subject_name=trainee.user.get_full_name(),
            issued_by=by,
            attested=attested,
            attested_sha256=content_hash(attested),
            service_signature=sig,
        )
        data = render_own(trainee, kind, code=doc.code)
        doc.sha256 = sha256(data)
        doc.file.save("x.pdf", ContentFile(data), save=False)
        doc.save()
        docs.append(doc)
    return docs


@transaction.atomic
def revoke(doc: IssuedDocument, *, reason: str, by) -> None:
    if not reason.strip():
        raise DomainError(_("Give a reason for the revocation."))
    if doc.revoked_at:
        raise DomainError(_("The document is already revoked."))
    IssuedDocument.objects.filter(pk=doc.pk).update(
        revoked_at=timezone.now(), revoked_reason=reason.strip(), revoked_by=by
    )


class VerifyState:
    VALID = "valid"
    REVOKED = "revoked"
    TAMPERED = "tampered"
    UNSIGNED = "unsigned"  # issued without a required signature
    CHANGED = "changed"  # what it attests changed after issuing
    UNKNOWN = "unknown"
    MALFORMED = "malformed"


@dataclass
class Verification:
    state: str
    doc: IssuedDocument | None = None
    attested: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.state == VerifyState.VALID

    @property
    def signatures(self) -> list[dict]:
        """The signatures as attested, with their role named and the time as a datetime."""
        import datetime

        labels = {
            MAIN: gettext("Main supervisor (huvudhandledare)"),
            EXTERNAL: gettext("External assessor"),
            HEAD_OF_UNIT: gettext("Head of unit (verksamhetschef)"),
        }
        out = []
        for s in self.attested.get("signatures") or []:
            if s:
                out.append(
                    s
                    | {
                        "role_label": labels.get(s["role"], s["role"]),
                        "when": datetime.datetime.fromisoformat(s["signed_at"]),
                    }
                )
        return out


def verification(code: str) -> Verification:
    code = (code or "").strip().upper()
    if not (10 <= len(code) <= 32) or not code.isalnum():
        return Verification(VerifyState.MALFORMED)
    doc = IssuedDocument.objects.filter(code=code).select_related("trainee__user", "issued_by").first()
    if doc is None:
        return Verification(VerifyState.UNKNOWN)
    try:
        with doc.file.open("rb") as fh:
            digest = sha256(fh.read())
    except (OSError, ValueError):
        return Verification(VerifyState.TAMPERED, doc)
    if digest != doc.sha256:
        return Verification(VerifyState.TAMPERED, doc)
    now, _sig = attestation(doc.trainee, doc.kind)
    # Issued before attestations were recorded: what the file attests is not known, so Bilaga 3
    # (once issued without its signature) cannot be trusted; 2 and 4 rest on the final
    # assessment, which never changes once signed.
    attested = doc.attested or ({} if doc.kind == DocumentKind.BILAGA3 else now)
    if doc.revoked_at:
        return Verification(VerifyState.REVOKED, doc, attested)
    if missing_signatures(attested):
        return Verification(VerifyState.UNSIGNED, doc, attested)
    if content_hash(now) != (doc.attested_sha256 or content_hash(attested)):
        return Verification(VerifyState.CHANGED, doc, attested)
    return Verification(VerifyState.VALID, doc, attested)


def verify(code: str) -> tuple[str, IssuedDocument | None]:
    v = verification(code)
    return v.state, v.doc


def verify_bytes(doc: IssuedDocument, data: bytes) -> bool:
    return sha256(data) == doc.sha256

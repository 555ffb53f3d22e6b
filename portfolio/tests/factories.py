"""Small factories for portfolio tests."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from goals.models import Goal
from portfolio.models import Activity
from trainees.models import Placement

D = datetime.date


def goal(code: str) -> Goal:
    return Goal.objects.get(regulation="HSLF-FS 2021:8", code=code)


def make_activity(
    trainee, *codes, start=D(2026, 11, 10), end=None, placement=None, kind="clinical", title="Akuten"
) -> Activity:
    activity = Activity.objects.create(
        trainee=trainee, kind=kind, title=title, start=start, end=end, placement=placement
    )
    activity.goals.set([goal(c) for c in codes or ("BT1",)])
    return activity


def make_assessment(trainee, *codes, performed_on=D(2026, 11, 15), signed=True, placement=None):
    from assessments.models import Assessment

    assessment = Assessment.objects.create(
        trainee=trainee,
        instrument="mini_cex",
        performed_on=performed_on,
        assessor_name="Dr Bedömare",
        placement=placement,
    )
    assessment.goals.set([goal(c) for c in codes or ("BT1",)])
    if signed:  # signed last, as the service signs: a signed row's goals never change (the triggers)
        assessment.signed_at = timezone.now()
        assessment.save(update_fields=["signed_at"])
    return assessment


def make_placement(trainee, category="akut", start=D(2026, 11, 1), end=D(2027, 1, 31), **fields) -> Placement:
    return Placement.objects.create(trainee=trainee, category=category, start=start, end=end, **fields)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="intyg.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="reflektion.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def odt(name="anteckning.odt"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue())

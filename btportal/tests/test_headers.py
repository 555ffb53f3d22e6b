"""Security headers on every dynamic response, and templates that keep the Content-Security-Policy possible."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no-such-page/", "/healthz"])
def test_every_response_has_the_policies_and_no_store(client, world, url):
    client.force_login(world.users["kansli"])
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_export_with_personal_data_is_not_stored(client, world):
    client.force_login(world.users["kansli"])
    response = client.get(reverse("trainees:export_region", args=[world.vgr.slug]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def _templates():
    for path in ROOT.glob("*/templates/**/*.html"):
        if "pdf" in path.parts or ".venv" in path.parts or "node_modules" in path.parts:
            continue  # PDF templates are rendered by WeasyPrint, never served
        yield path


def test_no_template_has_inline_styles_or_scripts():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle\s*=", text) or re.search(r"<style\b", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline style")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: inline script")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(ROOT)}: inline event handler")
    assert not offenders, "\n".join(offenders)

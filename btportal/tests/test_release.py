"""The release fingerprint that prefixes the kept pages' keys (btportal/release.py): it changes with
anything that draws a page and with nothing else, and BTPORTAL_RELEASE overrides it."""

import os

from django.conf import settings

from btportal import release


def _tree(tmp_path):
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "templates" / "page.html").write_text("<p>{{ x }}</p>")
    (tmp_path / "app" / "views.py").write_text("X = 1\n")
    (tmp_path / "app" / "tests").mkdir()
    (tmp_path / "app" / "tests" / "test_x.py").write_text("")
    (tmp_path / "node_modules" / "lib").mkdir(parents=True)
    (tmp_path / "node_modules" / "lib" / "x.js").write_text("1")
    return tmp_path


def test_a_template_a_view_or_a_translation_changes_it(tmp_path):
    base = _tree(tmp_path)
    before = release.source_fingerprint(base)
    assert before == release.source_fingerprint(base)  # the same code, the same value (every app server)
    for path, text in [("app/templates/page.html", "<p>{{ y }}</p>"), ("app/views.py", "X = 2\n")]:
        (base / path).write_text(text)
        after = release.source_fingerprint(base)
        assert after != before, path
        before = after
    (base / "app" / "locale").mkdir()
    (base / "app" / "locale" / "django.mo").write_bytes(b"\x00")
    assert release.source_fingerprint(base) != before


def test_tests_dependencies_and_renamed_nothing_leave_it(tmp_path):
    base = _tree(tmp_path)
    before = release.source_fingerprint(base)
    (base / "app" / "tests" / "test_x.py").write_text("assert True\n")
    (base / "node_modules" / "lib" / "x.js").write_text("2")
    (base / "notes.md").write_text("a note")
    assert release.source_fingerprint(base) == before


def test_the_environment_overrides_it(tmp_path, monkeypatch):
    base = _tree(tmp_path)
    monkeypatch.setenv("BTPORTAL_RELEASE", "2027.1")
    assert release.current(base) == "2027.1"
    monkeypatch.setenv("BTPORTAL_RELEASE", " ")
    assert release.current(base) == release.source_fingerprint(base)


def test_the_kept_pages_are_keyed_by_the_running_release():
    # (Computed when the settings were read; the files may have changed since, so it is not recomputed here.)
    assert settings.CACHES["fragments"]["KEY_PREFIX"] == settings.RELEASE
    assert len(settings.RELEASE) == 12 or "BTPORTAL_RELEASE" in os.environ

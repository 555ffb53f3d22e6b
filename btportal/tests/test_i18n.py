import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_swedish_is_the_default_language(client, world):
    client.force_login(world.users["kansli"])
    body = client.get(reverse("home")).content.decode()
    assert 'lang="sv"' in body
    assert "Logga ut" in body


@pytest.mark.django_db
def test_the_language_switch_changes_to_english_and_back(client, world):
    client.force_login(world.users["kansli"])
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    body = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in body and "Log out" in body
    client.post(reverse("set_language"), {"language": "sv", "next": reverse("home")})
    assert "Logga ut" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "bt_lakare",
        "handledare",
        "huvudhandledare",
        "studierektor",
        "verksamhetschef",
        "kansli",
        "extern_bedomare",
        "granskare",
        "admin",
    ],
)
def test_each_role_sees_its_own_home_section(client, world, role):
    client.force_login(world.users[role])
    body = client.get(reverse("home")).content.decode()
    assert f'data-role="{role}"' in body


@pytest.mark.django_db
def test_a_user_without_role_is_told_what_to_do(client, world):
    client.force_login(world.users["outsider"])
    assert "kansli" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_swedish_catalogue_is_complete():
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "locale" / "sv" / "LC_MESSAGES" / "django.po"
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "untranslated" not in out.stderr and "fuzzy" not in out.stderr, out.stderr

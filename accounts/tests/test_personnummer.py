import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts import personnummer as pnr
from accounts.forms import ProfileForm
from btportal import factories as f

TODAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("19811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("811218-9876", "198112189876"),
        ("8112189876", "198112189876"),
        ("121212+1212", "191212121212"),  # '+': a hundred years or older
        ("20121212-1212", "201212121212"),
        ("19701063-2391", "197010632391"),  # samordningsnummer: day + 60
        (" 19811218 - 9876 ".replace(" - ", "-"), "198112189876"),
    ],
)
def test_it_normalises_valid_numbers(raw, expected):
    assert pnr.normalise(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "raw,code",
    [
        ("19811218-9875", "checksum"),
        ("19811318-9876", "date"),  # month 13
        ("19810230-1234", "date"),  # 30 February
        ("20301218-9876", "date"),  # in the future
        ("abc", "format"),
        ("", "format"),
        ("1981121-98766", "format"),
        ("19811218+9876", "format"),  # '+' only with a six-digit date
    ],
)
def test_it_rejects_invalid_numbers(raw, code):
    with pytest.raises(ValidationError) as excinfo:
        pnr.normalise(raw, today=TODAY)
    assert excinfo.value.code == code


def test_it_recognises_coordination_numbers():
    assert pnr.is_coordination_number("197010632391")
    assert pnr.birth_date("197010632391") == datetime.date(1970, 10, 3)
    assert not pnr.is_coordination_number("198112189876")


def test_it_masks_the_last_four_digits():
    assert pnr.masked("198112189876") == "19811218-****"
    assert pnr.formatted("198112189876") == "19811218-9876"


def test_the_error_message_is_translated():
    with translation.override("sv"):
        with pytest.raises(ValidationError) as excinfo:
            pnr.normalise("19811218-9875", today=TODAY)
        assert "kontrollsiffra" in str(excinfo.value.messages[0]).lower()
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            pnr.normalise("19811218-9875", today=TODAY)
        assert "check digit" in str(excinfo.value.messages[0])


@pytest.mark.django_db
def test_the_profile_form_rejects_a_duplicate_personnummer():
    f.make_user(personnummer="198112189876")
    other = f.make_user()
    form = ProfileForm(
        data={"first_name": "A", "last_name": "B", "phone": "", "personnummer": "19811218-9876"}, instance=other
    )
    assert not form.is_valid()
    assert "personnummer" in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["19811218-9875", "not a number", "19991399-0000", "x" * 500])
def test_bad_input_on_the_profile_page_changes_nothing(client, bad):
    user = f.make_user(personnummer="198112189876", first_name="Anna")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"first_name": "Changed", "last_name": "X", "personnummer": bad}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    user.refresh_from_db()
    assert user.first_name == "Anna"
    assert user.personnummer == "198112189876"


@pytest.mark.django_db
def test_a_valid_personnummer_is_stored_normalised(client):
    user = f.make_user()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"first_name": "Eva", "last_name": "Berg", "personnummer": "811218-9876"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.personnummer == "198112189876"


@pytest.mark.django_db
def test_pages_show_the_personnummer_masked(client, world):
    client.force_login(world.users["kansli"])
    body = client.get(world.trainee.get_absolute_url()).content.decode()
    assert world.trainee.user.personnummer_masked in body
    assert world.trainee.user.personnummer not in body

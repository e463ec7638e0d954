"""Accounts that hold against guessing: lockouts per username and address (django-axes), a cap
on sign-in attempts per address, a second factor for staff (django-otp), passwords of at least
12 characters. Each rule on the admin's sign-in and the site's."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-9"  # tests.factories.user's
SIGN_IN_PAGES = ["/admin/login/", "/en/accounts/login/"]
_addresses = itertools.count(1)


def new_address() -> str:
    """An address of this test's own: the hourly counters live in the shared cache."""
    n = next(_addresses)
    return f"10.13.{n // 250}.{n % 250 + 1}"


def sign_in(client, url: str, username: str, password: str, address: str, **extra):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- django-axes: repeated failures lock a username out for an address -----------------


@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, settings, url):
    settings.SIGNIN_ATTEMPTS_PER_HOUR = 1000  # this test is about the lockout alone
    staff = factories.user(staff=True)
    address = new_address()

    for _ in range(30):
        sign_in(client, url, staff.username, "not-the-password", address)
    response = sign_in(client, url, staff.username, PASSWORD, address)

    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_the_lockout_starts_at_the_failure_limit(client, settings, url):
    settings.SIGNIN_ATTEMPTS_PER_HOUR = 1000
    staff = factories.user(staff=True)
    address = new_address()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, url, staff.username, "wrong", address).status_code == 200
    assert sign_in(client, url, staff.username, "wrong", address).status_code == 429
    assert sign_in(client, url, staff.username, PASSWORD, address).status_code == 429


def test_a_lockout_holds_one_username_at_one_address_only(client, settings):
    settings.SIGNIN_ATTEMPTS_PER_HOUR = 1000
    staff, colleague = factories.user(staff=True), factories.user(staff=True)
    address = new_address()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "/admin/login/", staff.username, "wrong", address)

    # Nobody can lock a reviewer out from elsewhere, nor lock out a whole office.
    assert (
        sign_in(client, "/admin/login/", staff.username, PASSWORD, new_address()).status_code == 302
    )
    client.logout()
    assert (
        sign_in(client, "/admin/login/", colleague.username, PASSWORD, address).status_code == 302
    )


def test_a_made_up_forwarded_for_header_does_not_escape_a_lockout(client, settings):
    settings.SIGNIN_ATTEMPTS_PER_HOUR = 1000
    settings.NINJA_NUM_PROXIES = 0  # no proxy in front: X-Forwarded-For is the client's word
    staff = factories.user(staff=True)
    address = new_address()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            client,
            "/admin/login/",
            staff.username,
            "wrong",
            address,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    response = sign_in(
        client,
        "/admin/login/",
        staff.username,
        PASSWORD,
        address,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert response.status_code == 429


# --- a cap on attempts per address, whatever the usernames -------------------------------


@pytest.mark.parametrize("url", SIGN_IN_PAGES)
def test_sign_in_attempts_are_capped_per_address(client, settings, url):
    settings.SIGNIN_ATTEMPTS_PER_HOUR = 3
    reader = factories.user(staff=True)  # staff: the admin signs in no one else
    address = new_address()
    for n in range(3):
        sign_in(client, url, f"guess-{n}", "wrong", address)

    response = sign_in(client, url, reader.username, PASSWORD, address)

    assert response.status_code == 429
    assert "Too many sign-in attempts from your address" in response.content.decode()
    assert not signed_in(client)
    assert sign_in(client, url, reader.username, PASSWORD, new_address()).status_code == 302


# --- a second factor for staff ------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.STAFF_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code then the right one, without waiting


def code_for(device: TOTPDevice) -> str:
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def test_a_password_alone_does_not_open_the_admin(client, two_factor):
    staff = factories.user(superuser=True)
    client.force_login(staff)

    index = client.get("/admin/")
    assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    login = client.get(index["Location"])
    assert login.status_code == 302 and login["Location"].startswith("/admin/two-factor/")
    queue = client.get("/admin/review-queue/")
    assert queue.status_code == 302
    assert client.get("/admin/editorial/verdict/").status_code == 302


def test_staff_enrol_an_authenticator_app_then_reach_the_admin(client, two_factor):
    staff = factories.user(superuser=True)
    client.force_login(staff)

    page = client.get("/admin/two-factor/?next=/admin/editorial/verdict/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="two-factor-qr"><svg' in html and "Set up your authenticator app" in html
    device = TOTPDevice.objects.get(user=staff, confirmed=False)

    wrong = client.post("/admin/two-factor/", {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    right = client.post(
        "/admin/two-factor/", {"token": code_for(device), "next": "/admin/editorial/verdict/"}
    )
    assert right.status_code == 302 and right["Location"] == "/admin/editorial/verdict/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/review-queue/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_staff_member_gives_a_code_at_each_sign_in(client, two_factor):
    staff = factories.user(superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="authenticator app", confirmed=True)
    client.force_login(staff)

    page = client.get("/admin/two-factor/")
    assert "two-factor-qr" not in page.content.decode()  # no new secret once enrolled

    response = client.post("/admin/two-factor/", {"token": code_for(device)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_two_factor_page_sends_anyone_but_staff_to_sign_in(client, two_factor):
    client.force_login(factories.user())

    response = client.get("/admin/two-factor/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.exists()


def test_a_next_address_elsewhere_is_not_followed(client, two_factor):
    staff = factories.user(superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="authenticator app", confirmed=True)
    client.force_login(staff)

    response = client.post(
        "/admin/two-factor/", {"token": code_for(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == "/admin/"


def test_with_the_second_factor_off_a_password_opens_the_admin(client, settings):
    settings.STAFF_TWO_FACTOR = False  # `make run`, and the tests by default
    client.force_login(factories.user(superuser=True))

    assert client.get("/admin/").status_code == 200


# --- passwords of at least twelve characters ---------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw-11", "at least 12 characters"),
        ("password1234", "too common"),
        ("839201746512", "entirely numeric"),
        ("reader-hopeful-2", "too similar to the username"),
    ],
)
def test_sign_up_refuses_a_weak_password(client, password, message):
    response = client.post(
        "/en/accounts/signup/",
        {"username": "reader-hopeful", "password1": password, "password2": password},
        REMOTE_ADDR=new_address(),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="reader-hopeful").exists()


def test_a_twelve_character_password_is_enough(client):
    response = client.post(
        "/en/accounts/signup/",
        {"username": "reader-hopeful", "password1": "iloveyou1234", "password2": "iloveyou1234"},
        REMOTE_ADDR=new_address(),
    )

    assert response.status_code == 302
    assert get_user_model().objects.filter(username="reader-hopeful").exists()


def test_a_request_without_a_usable_address_still_signs_in(client):
    # Django's force_login, a socket without an address, a malformed header: axes keeps an
    # IP column, which PostgreSQL checks, so nothing but an address may reach it.
    client.force_login(factories.user(superuser=True))

    assert client.get("/admin/").status_code == 200

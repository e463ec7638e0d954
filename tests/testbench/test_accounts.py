"""Reader accounts for the testbench: sign up, sign in, sign out."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_reader_can_register_and_is_signed_in_and_sent_on(client: Client) -> None:
    assert client.get("/en/accounts/signup/?next=/en/live-test/").status_code == 200

    response = client.post(
        "/en/accounts/signup/",
        {
            "username": "reader1",
            "password1": "a-long-reader-password-7",
            "password2": "a-long-reader-password-7",
            "next": "/en/live-test/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/en/live-test/"
    assert User.objects.filter(username="reader1").exists()
    assert client.get("/en/live-test/").status_code == 200


def test_registration_refuses_mismatched_passwords_and_foreign_redirects(client: Client) -> None:
    response = client.post(
        "/en/accounts/signup/",
        {"username": "reader2", "password1": "a-long-pass-1x", "password2": "other-pass-2y"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="reader2").exists()

    response = client.post(
        "/en/accounts/signup/",
        {
            "username": "reader3",
            "password1": "a-long-reader-password-7",
            "password2": "a-long-reader-password-7",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/en/"


def test_a_reader_signs_in_and_out(client: Client) -> None:
    user = factories.user()
    assert client.get("/en/accounts/login/").status_code == 200

    response = client.post(
        "/en/accounts/login/",
        {"username": user.username, "password": "a-long-test-password-9", "next": "/en/live-test/"},
    )
    assert response["Location"] == "/en/live-test/"

    assert client.post("/en/accounts/logout/").status_code == 302
    signed_out = client.get("/en/live-test/")
    assert signed_out.status_code == 200 and "Sign out" not in signed_out.content.decode()

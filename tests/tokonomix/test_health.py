from django.db import OperationalError, connection


def test_healthz_answers_ok_without_touching_the_database(client):
    # No `db` fixture: pytest-django makes any database access raise here.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200


def test_readyz_answers_200_when_the_database_answers(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_answers_503_naming_redis_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]
    assert response.json()["checks"]["redis"].startswith("down")


def test_readyz_answers_503_naming_the_database_when_it_is_down(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["down"] == ["database"]

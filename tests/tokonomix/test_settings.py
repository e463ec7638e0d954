"""Settings come from the environment; a bad value stops start-up and names the variable."""

import runpy
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parents[2] / "tokonomix" / "settings.py"
CLEAN = [
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECURE_HSTS_SECONDS",
    "PRICE_SYNC_CRON",
    "DJANGO_LOG_LEVEL",
    "CELERY_TASK_ALWAYS_EAGER",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_CONN_MAX_AGE",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_COOKIES",
    "DJANGO_STAFF_TWO_FACTOR",
    "DJANGO_SERVE_MEDIA",
    "DJANGO_LOGIN_FAILURE_LIMIT",
    "DJANGO_LOGIN_LOCKOUT_MINUTES",
    "DJANGO_SIGNIN_ATTEMPTS_PER_HOUR",
    "DJANGO_ADMINS",
    "DJANGO_EMAIL_URL",
    "SPEEDTEST_CRON",
    "SPEEDTEST_REGIONS",
    "SPEEDTEST_PROBER_REGION",
    "SPEEDTEST_RUNS_PER_DAY",
    "SPEEDTEST_MONTHLY_BUDGETS_USD",
]


@pytest.fixture
def load(monkeypatch):
    for name in CLEAN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 50)

    def _load(**env: str) -> dict:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return _load


def test_with_no_variables_it_uses_sqlite_local_memory_cache_and_eager_tasks(load):
    values = load()

    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["DEBUG"] is False


def test_redis_url_switches_cache_and_broker_to_redis(load):
    values = load(REDIS_URL="redis://127.0.0.1:6379/3")

    assert values["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_database_url_selects_postgresql(load):
    values = load(DATABASE_URL="postgres://postgres@127.0.0.1:5432/tokonomix")

    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "tokonomix"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "nosuchscheme://x"),
        ("DATABASE_URL", "postgres//missing-colon"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year"),
        ("PRICE_SYNC_CRON", "every monday"),
        ("PRICE_SYNC_CRON", "0 3 * * funday"),
        ("DJANGO_LOG_LEVEL", "LOUD"),
        ("CELERY_TASK_ALWAYS_EAGER", "sometimes"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "tokonomix.example"),
        ("DJANGO_STAFF_TWO_FACTOR", "sometimes"),
        ("DJANGO_SERVE_MEDIA", "perhaps"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "five"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "0"),
        ("DJANGO_LOGIN_LOCKOUT_MINUTES", "0"),
        ("DJANGO_SIGNIN_ATTEMPTS_PER_HOUR", "0"),
        ("DJANGO_EMAIL_URL", "carrier-pigeon://coop"),
        ("SPEEDTEST_REGIONS", "eu-central"),
        ("SPEEDTEST_REGIONS", "EU Central=Frankfurt"),
        ("SPEEDTEST_REGIONS", "all=everywhere"),
        ("SPEEDTEST_REGIONS", "eu=Frankfurt;eu=Paris"),
        ("SPEEDTEST_PROBER_REGION", "eu_central"),
        ("SPEEDTEST_RUNS_PER_DAY", "0"),
        ("SPEEDTEST_RUNS_PER_DAY", "four"),
        ("SPEEDTEST_MONTHLY_BUDGETS_USD", "OPENAI_API_KEY"),
        ("SPEEDTEST_MONTHLY_BUDGETS_USD", "openai=50"),
        ("SPEEDTEST_MONTHLY_BUDGETS_USD", "OPENAI_API_KEY=lots"),
        ("SPEEDTEST_MONTHLY_BUDGETS_USD", "OPENAI_API_KEY=-5"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(load, variable, value):
    with pytest.raises(ImproperlyConfigured, match=variable):
        load(**{variable: value})


def test_a_malformed_connection_age_stops_start_up_naming_it(load):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CONN_MAX_AGE"):
        load(DATABASE_URL="postgres://postgres@127.0.0.1/x", DJANGO_CONN_MAX_AGE="forever")


def test_production_requires_a_secret_key(load, monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY")

    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        load(DJANGO_DEBUG="false")


def test_debug_runs_without_a_secret_key_and_without_https_redirects(load, monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY")

    values = load(DJANGO_DEBUG="true")

    assert values["SECRET_KEY"]
    assert values["SECURE_SSL_REDIRECT"] is False


def test_production_defaults_are_the_secure_ones(load):
    values = load(DJANGO_DEBUG="false")

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert "*" not in values["ALLOWED_HOSTS"]


def test_the_price_sync_runs_weekly_on_monday_at_three_by_default(load):
    schedule = load()["CELERY_BEAT_SCHEDULE"]["sync-prices"]["schedule"]

    assert schedule.day_of_week == {1}
    assert schedule.hour == {3}
    assert schedule.minute == {0}


def test_the_price_sync_time_can_be_changed(load):
    schedule = load(PRICE_SYNC_CRON="30 5 * * 0")["CELERY_BEAT_SCHEDULE"]["sync-prices"]["schedule"]

    assert schedule.day_of_week == {0}
    assert schedule.hour == {5}


@pytest.mark.parametrize(
    "placeholder", ["change-me-to-50-random-characters", "django-insecure-abc123"]
)
def test_the_example_files_placeholder_key_stops_start_up_outside_debug(load, placeholder):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is still the example"):
        load(DJANGO_SECRET_KEY=placeholder)

    assert load(DJANGO_SECRET_KEY=placeholder, DJANGO_DEBUG="true")["DEBUG"] is True


def test_docker_env_example_carries_the_placeholder_the_settings_refuse():
    example = (SETTINGS.parents[1] / "docker" / "env.example").read_text()
    assert "DJANGO_SECRET_KEY=change-me" in example


def test_staff_need_a_second_factor_in_production_and_not_under_make_run(load):
    assert load(DJANGO_DEBUG="false")["STAFF_TWO_FACTOR"] is True
    assert load(DJANGO_DEBUG="true")["STAFF_TWO_FACTOR"] is False
    assert load(DJANGO_DEBUG="false", DJANGO_STAFF_TWO_FACTOR="false")["STAFF_TWO_FACTOR"] is False


def test_an_email_url_becomes_the_default_mailer(load):
    assert load()["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend"  # localhost:25
    }

    mailer = load(DJANGO_EMAIL_URL="smtp+tls://bot:secret@mail.example:587")["MAILERS"]["default"]

    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "mail.example",
        "port": 587,
        "username": "bot",
        "password": "secret",
        "use_tls": True,
    }


def test_speed_tests_default_to_four_a_day_from_one_unnamed_prober_without_budgets(load):
    values = load()

    assert values["SPEEDTEST_RUNS_PER_DAY"] == 4
    assert values["SPEEDTEST_REGIONS"] == {}
    assert values["SPEEDTEST_PROBER_REGION"] == "default"
    assert values["SPEEDTEST_MONTHLY_BUDGETS_USD"] == {}


def test_regions_keep_their_order_and_where_they_are(load):
    values = load(
        SPEEDTEST_REGIONS="eu-central=Frankfurt, Germany (AWS eu-central-1); us-east=Ashburn, USA",
        SPEEDTEST_PROBER_REGION="us-east",
    )

    assert list(values["SPEEDTEST_REGIONS"].items()) == [
        ("eu-central", "Frankfurt, Germany (AWS eu-central-1)"),
        ("us-east", "Ashburn, USA"),
    ]
    assert values["SPEEDTEST_PROBER_REGION"] == "us-east"


def test_budgets_are_dollars_per_key_variable_with_a_default(load):
    budgets = load(SPEEDTEST_MONTHLY_BUDGETS_USD="OPENAI_API_KEY=50, *=10.5")[
        "SPEEDTEST_MONTHLY_BUDGETS_USD"
    ]

    assert budgets == {"OPENAI_API_KEY": Decimal("50"), "*": Decimal("10.5")}


def test_the_removed_weekly_speed_test_cron_stops_start_up_and_says_what_replaced_it(load):
    with pytest.raises(
        ImproperlyConfigured, match=r"SPEEDTEST_CRON is gone.*SPEEDTEST_RUNS_PER_DAY"
    ):
        load(SPEEDTEST_CRON="0 4 * * 2")

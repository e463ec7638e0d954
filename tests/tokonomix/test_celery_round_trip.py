import pytest

from tokonomix.celery import ping


@pytest.mark.services
def test_a_task_makes_a_round_trip_through_a_real_worker_on_redis(celery_worker_process):
    result = ping.delay("hello")

    assert result.get(timeout=20) == "pong:hello"
    assert result.successful()


def test_without_redis_tasks_run_eagerly_in_process(settings):
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: tasks go to a worker, covered by the round-trip test")
    assert ping.delay("x").get() == "pong:x"

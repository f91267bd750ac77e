"""Admission slots: per user, global, bounded wait, release, and (with Redis) leases
that expire when their holder died."""

import threading
import time

import pytest
from django.conf import settings as django_settings

from learning.coding.concurrency import Busy, LocalSlots, RedisSlots, _slots, run_slot
from site_config.redis import redis_client


def test_per_user_limit_then_busy_after_the_wait(settings):
    settings.SANDBOX_MAX_CONCURRENT_PER_USER = 2
    settings.SANDBOX_MAX_CONCURRENT = 10
    with run_slot(user_key="u1", ttl_ms=5000), run_slot(user_key="u1", ttl_ms=5000):
        started = time.monotonic()
        with pytest.raises(Busy), run_slot(user_key="u1", ttl_ms=5000, wait_s=0.2):
            pass
        assert 0.2 <= time.monotonic() - started < 1.5
        # another user is not affected
        with run_slot(user_key="u2", ttl_ms=5000, wait_s=0):
            pass
    with run_slot(user_key="u1", ttl_ms=5000, wait_s=0):
        pass  # released on exit


def test_global_limit(settings):
    settings.SANDBOX_MAX_CONCURRENT_PER_USER = 5
    settings.SANDBOX_MAX_CONCURRENT = 2
    with (
        run_slot(user_key="a", ttl_ms=5000),
        run_slot(user_key="b", ttl_ms=5000),
        pytest.raises(Busy),
        run_slot(user_key="c", ttl_ms=5000, wait_s=0.05),
    ):
        pass


def test_a_waiter_gets_the_slot_when_it_frees(settings):
    settings.SANDBOX_MAX_CONCURRENT_PER_USER = 1
    settings.SANDBOX_MAX_CONCURRENT = 10
    got = {}

    def holder():
        with run_slot(user_key="w", ttl_ms=5000):
            time.sleep(0.2)

    thread = threading.Thread(target=holder)
    thread.start()
    time.sleep(0.05)
    started = time.monotonic()
    with run_slot(user_key="w", ttl_ms=5000, wait_s=2):
        got["after"] = time.monotonic() - started
    thread.join()
    assert 0.05 < got["after"] < 1.5


def test_the_backend_follows_redis_url():
    backend = _slots()
    if django_settings.REDIS_URL:
        assert isinstance(backend, RedisSlots)
    else:
        assert isinstance(backend, LocalSlots)


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="runs in the PostgreSQL + Redis pass")
def test_redis_leases_of_a_dead_holder_expire():
    slots = RedisSlots(redis_client(), "mrict-test")
    slots.client.delete(*slots.keys("ghost"))
    assert slots.try_acquire("ghost", "t1", 1000, (1, 100))
    assert not slots.try_acquire("ghost", "t2", 1000, (1, 100))
    time.sleep(1.2)  # the holder "died" without releasing
    assert slots.try_acquire("ghost", "t3", 1000, (1, 100))
    slots.release("ghost", "t3")
    assert slots.client.zcard(slots.keys("ghost")[0]) == 0

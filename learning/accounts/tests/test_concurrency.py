"""Two requests racing with the same refresh token: exactly one wins. Needs committed
data and one database connection per thread, hence a transactional test."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from learning.accounts.tokens import tokens_for_user

from .factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_reuse_of_one_refresh_token_lets_only_one_through():
    user = UserFactory(role="student")
    refresh = tokens_for_user(user)["refresh"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def use_token():
        try:
            barrier.wait(timeout=10)
            response = APIClient().post("/api/v1/auth/refresh/", {"refresh": refresh}, format="json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=use_token) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 401]

"""The suite itself: Django's async-safety check stays on outside the browser tests."""

import asyncio
import os

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import SynchronousOnlyOperation


def test_async_unsafe_is_not_left_set():
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ


@pytest.mark.django_db
def test_orm_refuses_to_run_inside_an_event_loop():
    async def count_users():
        return User.objects.count()

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(count_users())

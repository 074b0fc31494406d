"""Tests run jobs with Django's immediate task backend (enqueue runs the job at once); the tests of
vadesk/jobs switch to the database backend they are about."""

import pytest


@pytest.fixture(autouse=True)
def _immediate_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

"""Settings of the two-node test's processes (tests/test_two_nodes.py): the test settings, but
a task goes to the broker for the worker, as in production, instead of running in the request.
Everything else comes from their environment (DATABASE_URL, REDIS_URL, S3_*)."""

from svc.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False

"""The Celery application. Redis is the broker; without REDIS_URL tasks run eagerly.

Task state that users see is stored in PostgreSQL (see ``core.outbox``), never
in a result backend.
"""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svc.settings.base")

app = Celery("svc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _verify_seal_canary(**kwargs):
    """A worker folds the sealed answers: it refuses to start with keys that cannot open them."""
    from evaluations.services.canary import seal_canary_verify

    seal_canary_verify()

"""The stored seal canary: a process whose keys cannot open what the database was sealed with
refuses to start (web, worker, fold command), saying why; a rotation re-seals it."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from evaluations import sealing
from evaluations.models import SealCanary
from evaluations.services.canary import seal_canary_verify

pytestmark = pytest.mark.django_db

OLD, NEW = sealing.new_key(), sealing.new_key()


def _sealed_by(settings, key):
    settings.EVALUATION_SEAL_KEYS = [key]
    assert seal_canary_verify() == "created"
    return bytes(SealCanary.objects.get().sealed)


def test_the_first_start_stores_the_canary_and_the_next_opens_it(settings):
    settings.EVALUATION_SEAL_KEYS = [OLD]

    assert seal_canary_verify() == "created"
    assert seal_canary_verify() == "opened"
    stored = bytes(SealCanary.objects.get().sealed)
    assert sealing.envelope_key_id(stored) == sealing.key_id(sealing.parse_keys([OLD])[0]).hex()
    assert sealing.CANARY not in stored


def test_a_start_without_the_key_that_sealed_it_is_refused_and_says_why(settings):
    stored = _sealed_by(settings, OLD)
    settings.EVALUATION_SEAL_KEYS = [NEW]

    with pytest.raises(ImproperlyConfigured) as refused:
        seal_canary_verify()

    assert str(refused.value).startswith(
        "EVALUATION_SEAL_KEYS does not open the seal canary stored in the database (sealed "
        "under a key that is not configured (key id "
    )
    assert str(refused.value).endswith(
        "the key that sealed the answers not yet folded is missing. Put it back in "
        "EVALUATION_SEAL_KEYS (after the new key, if you are rotating); see the README, "
        "“The seal key”."
    )
    assert bytes(SealCanary.objects.get().sealed) == stored


def test_a_rotation_reseals_the_canary_under_the_new_key_so_the_old_can_go(settings):
    _sealed_by(settings, OLD)

    settings.EVALUATION_SEAL_KEYS = [NEW, OLD]
    assert seal_canary_verify() == "resealed"
    settings.EVALUATION_SEAL_KEYS = [NEW]
    assert seal_canary_verify() == "opened"


def test_the_fold_command_refuses_keys_that_cannot_open_the_canary(settings):
    _sealed_by(settings, OLD)
    settings.EVALUATION_SEAL_KEYS = [NEW]

    with pytest.raises(ImproperlyConfigured, match="does not open the seal canary"):
        call_command("fold_sealed_answers")


def test_the_web_process_refuses_to_start_with_the_wrong_key(settings):
    _sealed_by(settings, OLD)
    import svc.wsgi  # started once with the right key

    settings.EVALUATION_SEAL_KEYS = [NEW]

    with pytest.raises(ImproperlyConfigured, match="does not open the seal canary"):
        importlib.reload(svc.wsgi)
    settings.EVALUATION_SEAL_KEYS = [OLD]
    assert importlib.reload(svc.wsgi).application is not None


def test_the_worker_refuses_to_start_with_the_wrong_key(settings):
    from svc.celery import _verify_seal_canary

    _sealed_by(settings, OLD)
    settings.EVALUATION_SEAL_KEYS = [NEW]

    with pytest.raises(ImproperlyConfigured, match="does not open the seal canary"):
        _verify_seal_canary()

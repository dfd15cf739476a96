"""The stored seal canary: whether the configured keys open what the database was sealed with.

The settings check that each configured key can seal and open (``sealing.check_canary``).
That cannot tell a right key from a wrong one. This can: the first process to start seals
a known text under the newest key and stores it (``SealCanary``); every later start must
open it with one of the configured keys. A deploy whose keys lack the one that sealed the
unfolded envelopes then stops at start-up, saying so, instead of folding nothing and
logging envelope ids. A canary opened by an older key (a rotation) is sealed again under
the newest, so the old key can be dropped once its envelopes are folded.

Called by the web process (``svc.wsgi``), the Celery worker (``svc.celery``) and the fold
command. Before the first ``migrate`` there is no table, and nothing to protect: it passes.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from .. import sealing
from ..models import SealCanary
from .folding import seal_keys

CONTEXT = b"stored canary"


def seal_canary_verify() -> str:
    """Open the stored canary with the configured keys, storing it on first use.

    Returns what was done: "created", "opened", "resealed" (opened by an older key, now
    sealed under the newest) or "no table" (before migrate). Raises ImproperlyConfigured
    when no configured key opens it.
    """
    keys = seal_keys()
    try:
        with transaction.atomic():
            canary = SealCanary.objects.select_for_update().filter(pk=1).first()
            if canary is None:
                SealCanary.objects.create(
                    pk=1, sealed=sealing.seal(sealing.CANARY, keys=keys, context=CONTEXT)
                )
                return "created"
            try:
                opened = sealing.open_sealed(canary.sealed, keys=keys, context=CONTEXT)
            except sealing.SealError as exc:
                raise ImproperlyConfigured(
                    "EVALUATION_SEAL_KEYS does not open the seal canary stored in the "
                    f"database ({exc}): the key that sealed the answers not yet folded is "
                    "missing. Put it back in EVALUATION_SEAL_KEYS (after the new key, if "
                    "you are rotating); see the README, “The seal key”."
                ) from exc
            if opened != sealing.CANARY:  # pragma: no cover - AES-GCM opens or raises
                raise ImproperlyConfigured("The seal canary opened to another text.")
            if sealing.envelope_key_id(canary.sealed) == sealing.key_id(keys[0]).hex():
                return "opened"
            canary.sealed = sealing.seal(sealing.CANARY, keys=keys, context=CONTEXT)
            canary.save(update_fields=["sealed"])
            return "resealed"
    except DatabaseError:
        if SealCanary._meta.db_table not in _tables():
            return "no table"
        raise


def _tables() -> list[str]:
    from django.db import connection

    return connection.introspection.table_names()

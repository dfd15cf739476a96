"""Sealing answers: authenticated encryption under a key kept outside the database.

An envelope is ``b"S1" + key id (8 bytes) + nonce (12 bytes) + AES-256-GCM
ciphertext``. The key id is the start of the key's SHA-256, so the reader
knows which key to try without holding a list of ids. The associated data
binds the envelope to its session: moved to another session, it no longer
opens. The plaintext is padded to a bucket (at least 4 KiB, then powers of
two), so an envelope's size says nothing about how much someone wrote.
Unlike a Fernet token, an envelope carries no timestamp.

Keys come from the setting ``EVALUATION_SEAL_KEYS``: urlsafe base64 of 32
random bytes each, comma separated, newest first. The newest seals; every
listed key opens. Settings call ``parse_keys`` and ``check_canary`` at
start-up, so a malformed key stops the process there. This module imports no
Django models (the settings import it).
"""

import base64
import binascii
import hashlib
import json
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"S1"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
MIN_BUCKET = 4096
# Development and test settings seal under this fixed key; production refuses it.
DEV_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"svc dev-only seal key").digest()).decode()
CANARY = b"svc seal canary"


class SealError(Exception):
    """An envelope that no configured key opens: wrong key, tampered, or not an envelope."""


def parse_keys(value) -> list[bytes]:
    """The keys of ``EVALUATION_SEAL_KEYS`` (a list or comma-separated text), newest first.

    Raises ValueError naming the position of a key that is not 32 bytes of urlsafe base64.
    """
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    keys = []
    for position, item in enumerate((i.strip() for i in items if i.strip()), start=1):
        try:
            key = base64.urlsafe_b64decode(item.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise ValueError(f"key {position} is not urlsafe base64") from exc
        if len(key) != 32:
            raise ValueError(f"key {position} is {len(key)} bytes, not 32")
        keys.append(key)
    return keys


def new_key() -> str:
    """A fresh key, as it is written into EVALUATION_SEAL_KEYS."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


def _pad(data: bytes) -> bytes:
    framed = struct.pack(">I", len(data)) + data
    bucket = MIN_BUCKET
    while bucket < len(framed):
        bucket *= 2
    return framed + b"\x00" * (bucket - len(framed))


def _unpad(padded: bytes) -> bytes:
    (length,) = struct.unpack(">I", padded[:4])
    return padded[4 : 4 + length]


def seal(data: bytes, *, keys: list[bytes], context: bytes) -> bytes:
    """Encrypt ``data`` under the newest key, bound to ``context`` (e.g. the session)."""
    if not keys:
        raise SealError("no seal key is configured")
    nonce = os.urandom(NONCE_BYTES)
    header = MAGIC + key_id(keys[0])
    return header + nonce + AESGCM(keys[0]).encrypt(nonce, _pad(data), header + context)


def open_sealed(envelope: bytes, *, keys: list[bytes], context: bytes) -> bytes:
    """The data of an envelope; SealError if no key opens it for this context."""
    envelope = bytes(envelope)
    if envelope[: len(MAGIC)] != MAGIC:
        raise SealError("not an envelope")
    header = envelope[: len(MAGIC) + KEY_ID_BYTES]
    nonce = envelope[len(header) : len(header) + NONCE_BYTES]
    body = envelope[len(header) + NONCE_BYTES :]
    wanted = header[len(MAGIC) :]
    for key in keys:
        if key_id(key) != wanted:
            continue
        try:
            return _unpad(AESGCM(key).decrypt(nonce, body, header + context))
        except InvalidTag as exc:
            raise SealError("the envelope does not open: tampered or another context") from exc
    raise SealError(f"sealed under a key that is not configured (key id {wanted.hex()})")


def envelope_key_id(envelope: bytes) -> str:
    return bytes(envelope)[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].hex()


def check_canary(keys: list[bytes]) -> None:
    """Seal a canary under the newest key and open it with the list: fails on a broken key."""
    for position, key in enumerate(keys, start=1):
        opened = open_sealed(
            seal(CANARY, keys=[key], context=b"canary"), keys=keys, context=b"canary"
        )
        if opened != CANARY:  # pragma: no cover - AES-GCM either opens or raises
            raise SealError(f"key {position} does not open the canary")


def seal_json(payload, *, keys: list[bytes], context: bytes) -> bytes:
    return seal(json.dumps(payload, separators=(",", ":")).encode(), keys=keys, context=context)


def open_json(envelope: bytes, *, keys: list[bytes], context: bytes):
    return json.loads(open_sealed(envelope, keys=keys, context=context))

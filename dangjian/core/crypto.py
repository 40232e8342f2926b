"""Field encryption and blind indexes for personal data (PIPL; ARCHITECTURE.md "Personal data").

Both keys are derived with HKDF from ``settings.FIELD_ENCRYPTION_KEY`` (32 random bytes,
urlsafe base64), so one secret in the environment serves both purposes and neither key can
be computed from the other. Ciphertexts carry a key id (``v1:``) so a later key-rotation
command can re-encrypt row by row while both keys are readable.

* :func:`encrypt` / :func:`decrypt` — AES-256-GCM with a random 96-bit nonce.
* :func:`blind_index` — HMAC-SHA256 of the normalised value: equal inputs give equal
  digests, so an exact ID-number search or a uniqueness check never decrypts the table.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID = "v1"


@functools.cache
def _derived_key(secret: str, purpose: bytes) -> bytes:
    try:
        master = base64.urlsafe_b64decode(secret.encode())
    except (ValueError, TypeError):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be urlsafe base64 of 32 random bytes") from None
    if len(master) < 32:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must decode to at least 32 bytes")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@functools.cache
def _index_hmac(secret: str):
    """An HMAC keyed once; each digest starts from a copy (imports hash 100,000 numbers)."""
    return hmac.new(_derived_key(secret, b"dangjian blind index v1"), digestmod=hashlib.sha256)


@functools.cache
def _cipher(secret: str) -> AESGCM:
    return AESGCM(_derived_key(secret, b"dangjian field encryption v1"))


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    ciphertext = _cipher(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plaintext.encode(), None)
    return f"{KEY_ID}:" + base64.urlsafe_b64encode(nonce + ciphertext).decode()


def decrypt(token: str) -> str:
    key_id, _, payload = token.partition(":")
    if key_id != KEY_ID:
        raise ValueError(f"unknown encryption key id {key_id!r}")
    raw = base64.urlsafe_b64decode(payload.encode())
    return _cipher(settings.FIELD_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], None).decode()


def blind_index(normalised_value: str) -> str:
    """Hex HMAC-SHA256 of an already-normalised value (e.g. an 18-character ID number)."""
    digest = _index_hmac(settings.FIELD_ENCRYPTION_KEY).copy()
    digest.update(normalised_value.encode())
    return digest.hexdigest()

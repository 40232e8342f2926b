"""Field encryption and blind indexes for personal data (PIPL; ARCHITECTURE.md "Personal data").

Both keys are derived with HKDF from one master secret (32 random bytes, urlsafe base64),
so one secret in the environment serves both purposes and neither key can be computed from
the other. Ciphertexts carry the id of their master (``v1:``) so keys can be rotated
without downtime (``manage.py rotate_field_key``, docs/deploy.md):

* the masters are ``settings.FIELD_ENCRYPTION_KEYS`` ({id: key}) when set, otherwise
  ``settings.FIELD_ENCRYPTION_KEY`` alone with id ``v1`` (as before rotation existed);
  ``FIELD_ENCRYPTION_CURRENT_KEY_ID`` names the one new values use. Listing the keys in
  full lets the old one be retired after a rotation;
* :func:`encrypt` uses the current key; :func:`decrypt` reads any configured key;
* :func:`blind_index` digests under the current key; a row's digest is under the same key
  as its ciphertext (the rotation recomputes both in one update). Lookups during a rotation
  therefore match :func:`blind_indexes` — the digest under every configured key.

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

KEY_ID = "v1"  # the id of FIELD_ENCRYPTION_KEY


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


def _masters() -> dict[str, str]:
    masters = dict(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or {KEY_ID: settings.FIELD_ENCRYPTION_KEY})
    for key_id in masters:
        if not key_id or ":" in key_id:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key id {key_id!r} must be non-empty without ':'")
    return masters


def current_key_id() -> str:
    key_id = getattr(settings, "FIELD_ENCRYPTION_CURRENT_KEY_ID", None) or KEY_ID
    if key_id not in _masters():
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_CURRENT_KEY_ID {key_id!r} is not a configured key")
    return key_id


def key_id_of(token: str) -> str:
    return token.partition(":")[0]


def encrypt(plaintext: str) -> str:
    key_id = current_key_id()
    return _encrypted(_cipher(_masters()[key_id]), key_id, plaintext)


def _encrypted(cipher: AESGCM, key_id: str, plaintext: str) -> str:
    nonce = os.urandom(12)
    return f"{key_id}:" + base64.urlsafe_b64encode(nonce + cipher.encrypt(nonce, plaintext.encode(), None)).decode()


def decrypt(token: str) -> str:
    key_id, _, payload = token.partition(":")
    secret = _masters().get(key_id)
    if secret is None:
        raise ValueError(f"unknown encryption key id {key_id!r}")
    raw = base64.urlsafe_b64decode(payload.encode())
    return _cipher(secret).decrypt(raw[:12], raw[12:], None).decode()


def blind_index(normalised_value: str, *, key_id: str | None = None) -> str:
    """Hex HMAC-SHA256 of an already-normalised value (e.g. an 18-character ID number), under
    the current key (or ``key_id``'s)."""
    return _hexdigest(_index_hmac(_masters()[key_id or current_key_id()]), normalised_value)


def blind_indexes(normalised_value: str) -> list[str]:
    """The value's digest under every configured key, the current one first: what an exact
    search or a uniqueness check must match while a rotation is under way."""
    current = current_key_id()
    return [blind_index(normalised_value, key_id=key_id)
            for key_id in [current, *sorted(set(_masters()) - {current})]]


class Keyring:
    """The keys as configured now, resolved once: :func:`encrypt` and :func:`blind_index` for a
    loop over many values (an import encrypts and digests 100,000 ID numbers; reading the
    settings on each call cost a tenth of the whole check)."""

    def __init__(self):
        masters = _masters()
        self.key_id = current_key_id()
        self._cipher = _cipher(masters[self.key_id])
        self._index = _index_hmac(masters[self.key_id])
        self._older_indexes = [_index_hmac(masters[key_id]) for key_id in sorted(set(masters) - {self.key_id})]

    def encrypt(self, plaintext: str) -> str:
        return _encrypted(self._cipher, self.key_id, plaintext)

    def blind_index(self, normalised_value: str) -> str:
        return _hexdigest(self._index, normalised_value)

    def older_blind_indexes(self, normalised_value: str) -> list[str]:
        """The value's digests under the keys other than the current one (none outside a rotation)."""
        return [_hexdigest(index, normalised_value) for index in self._older_indexes]


def _hexdigest(keyed_hmac, value: str) -> str:
    digest = keyed_hmac.copy()
    digest.update(value.encode())
    return digest.hexdigest()

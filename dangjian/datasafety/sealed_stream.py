"""An encrypted, authenticated byte stream for backup archives (AES-256-GCM in chunks).

One GCM message cannot be streamed through ``cryptography``'s AEAD API, and a city's archive
is gigabytes, so the stream is cut into chunks of at most 1 MiB, each sealed on its own
(the "STREAM" construction): the nonce is an 8-byte random prefix plus the chunk counter,
and the associated data binds every chunk to the archive header and says whether it is the
last one. Reordering, dropping, duplicating or truncating chunks therefore fails to decrypt,
as does any flipped bit.

Layout: ``MAGIC | salt(16) | nonce prefix(8) | key check(16)`` then chunks of
``final flag(1) | length(4, big endian) | ciphertext``. The AES key is derived with HKDF from
``settings.BACKUP_ENCRYPTION_KEY`` and the per-archive salt; the key check (an HMAC of a
constant under the derived key) tells "wrong key" apart from "damaged archive".
"""

import base64
import hashlib
import hmac
import io
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"DJBACKUP1\n"
CHUNK_SIZE = 1024 * 1024
_HEADER_SIZE = len(MAGIC) + 16 + 8 + 16
_FRAME = struct.Struct(">?I")

MISSING_KEY = ("未配置备份加密密钥：请在环境变量 BACKUP_ENCRYPTION_KEY 中设置 32 字节随机数的 urlsafe base64 编码"
               "（与 FIELD_ENCRYPTION_KEY 不同，见 docs/deploy.md）。")
BAD_KEY_FORMAT = "备份加密密钥 BACKUP_ENCRYPTION_KEY 格式不正确：须为至少 32 字节随机数的 urlsafe base64 编码。"
SAME_AS_FIELD_KEY = "备份加密密钥 BACKUP_ENCRYPTION_KEY 不能与字段加密密钥 FIELD_ENCRYPTION_KEY 相同：请另行生成。"
NOT_AN_ARCHIVE = "该文件不是本系统的备份文件。"
WRONG_KEY = "备份加密密钥不正确：无法解密该备份文件（请使用制作备份时的 BACKUP_ENCRYPTION_KEY）。"
TAMPERED = "备份文件已损坏或被篡改：校验未通过，未写入任何数据。"


class ArchiveError(Exception):
    """The archive cannot be read: the message is Chinese and safe to show an operator."""


def master_key() -> bytes:
    secret = getattr(settings, "BACKUP_ENCRYPTION_KEY", "") or ""
    if not secret:
        raise ArchiveError(MISSING_KEY)
    try:
        raw = base64.urlsafe_b64decode(secret.encode())
    except (ValueError, TypeError):
        raise ArchiveError(BAD_KEY_FORMAT) from None
    if len(raw) < 32:
        raise ArchiveError(BAD_KEY_FORMAT)
    field_keys = {settings.FIELD_ENCRYPTION_KEY, *(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or {}).values()}
    if secret in field_keys:
        raise ArchiveError(SAME_AS_FIELD_KEY)
    return raw


def _derive(master: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"dangjian backup archive v1").derive(master)


def _key_check(key: bytes) -> bytes:
    return hmac.new(key, b"dangjian backup key check", hashlib.sha256).digest()[:16]


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


class SealedWriter(io.RawIOBase):
    """A write-only file object: plaintext in, sealed chunks out to ``sink``."""

    def __init__(self, sink, master: bytes):
        super().__init__()
        self._sink = sink
        salt, self._prefix = os.urandom(16), os.urandom(8)
        key = _derive(master, salt)
        self._aead = AESGCM(key)
        self._header = MAGIC + salt + self._prefix + _key_check(key)
        self._buffer = bytearray()
        self._counter = 0
        self._sealed = False
        sink.write(self._header)

    def writable(self):
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def _emit(self, plaintext: bytes, *, final: bool):
        if self._counter >= 2**32 - 1:
            raise ArchiveError("备份过大：超出单个归档文件的分块上限。")
        aad = self._header + bytes([final])
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter), plaintext, aad)
        self._sink.write(_FRAME.pack(final, len(sealed)) + sealed)
        self._counter += 1

    def close(self):
        """Seal the last chunk (even an empty one: its final flag proves nothing was cut off)."""
        if not self._sealed and not self.closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._sealed = True
        super().close()


class SealedReader(io.RawIOBase):
    """A read-only file object over a sealed archive; any failure raises :class:`ArchiveError`."""

    def __init__(self, source, master: bytes):
        super().__init__()
        self._source = source
        header = source.read(_HEADER_SIZE)
        if len(header) < _HEADER_SIZE or not header.startswith(MAGIC):
            raise ArchiveError(NOT_AN_ARCHIVE)
        salt = header[len(MAGIC):len(MAGIC) + 16]
        self._prefix = header[len(MAGIC) + 16:len(MAGIC) + 24]
        key = _derive(master, salt)
        if not hmac.compare_digest(_key_check(key), header[len(MAGIC) + 24:]):
            raise ArchiveError(WRONG_KEY)
        self._header = header
        self._aead = AESGCM(key)
        self._counter = 0
        self._pending = memoryview(b"")
        self._finished = False

    def readable(self):
        return True

    def _next_chunk(self) -> bytes:
        frame = self._source.read(_FRAME.size)
        if len(frame) < _FRAME.size:
            raise ArchiveError(TAMPERED)  # cut off before the final chunk
        final, length = _FRAME.unpack(frame)
        if length > CHUNK_SIZE + 16:
            raise ArchiveError(TAMPERED)
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise ArchiveError(TAMPERED)
        try:
            plaintext = self._aead.decrypt(_nonce(self._prefix, self._counter), sealed, self._header + bytes([final]))
        except InvalidTag:
            raise ArchiveError(TAMPERED) from None
        self._counter += 1
        if final:
            if self._source.read(1):
                raise ArchiveError(TAMPERED)  # bytes appended after the last chunk
            self._finished = True
        return plaintext

    def readinto(self, buffer) -> int:
        while not len(self._pending) and not self._finished:
            self._pending = memoryview(self._next_chunk())
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]  # a view: the rest of the chunk is not copied
        return size

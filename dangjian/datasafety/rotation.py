"""Re-encrypt personal data under the current field key (``manage.py rotate_field_key``).

Runs while the system is in use: each batch is one short transaction that locks only its
own rows, re-encrypts the ID number under the current key and recomputes its blind index
under the same key (core/crypto.py: a row's digest and ciphertext always share a key, and
lookups match every configured key until the old one is removed). A row already under the
current key is skipped, so the walk is idempotent and an interrupted run resumes where it
stopped. Pending correction requests carry an encrypted ID number too and are rotated the
same way.
"""

from collections.abc import Callable

from django.db import transaction

from dangjian.core import crypto
from dangjian.members.models import Member
from dangjian.portal.models import CorrectionRequest

UNKNOWN_KEY = "第 {pk} 号记录使用的密钥 {key_id} 未配置：请把它加入 FIELD_ENCRYPTION_KEYS 后再轮换。"


class RotationError(Exception):
    """The rotation cannot go on; the message is Chinese."""


def _plaintext(token: str, *, pk) -> str:
    try:
        return crypto.decrypt(token)
    except ValueError:
        raise RotationError(UNKNOWN_KEY.format(pk=pk, key_id=crypto.key_id_of(token))) from None


def members_left(key_id: str) -> int:
    return Member.objects.exclude(id_number_ciphertext__startswith=f"{key_id}:").count()


def rotate_member_batch(*, key_id: str, after_pk: int, size: int) -> tuple[int, int | None]:
    """Rotate up to ``size`` members after ``after_pk``; return (how many, the last pk or None)."""
    with transaction.atomic():
        batch = list(Member.objects.select_for_update()
                     .exclude(id_number_ciphertext__startswith=f"{key_id}:").filter(pk__gt=after_pk)
                     .order_by("pk").only("pk", "id_number_ciphertext", "id_number_digest")[:size])
        for member in batch:
            number = _plaintext(member.id_number_ciphertext, pk=member.pk)
            member.id_number_ciphertext = crypto.encrypt(number)
            member.id_number_digest = crypto.blind_index(number)
        # bulk_update: no save() side effects — the history excludes these columns and the
        # member's "updated" time should not move for a change of key.
        Member.objects.bulk_update(batch, ["id_number_ciphertext", "id_number_digest"])
    return len(batch), (batch[-1].pk if batch else None)


def rotate_corrections(*, key_id: str) -> int:
    """Correction requests holding an ID number under another key (a small table: one pass)."""
    done = 0
    with transaction.atomic():
        for request in CorrectionRequest.objects.select_for_update().filter(proposed__has_key="id_number"):
            entry = request.proposed["id_number"]
            if not isinstance(entry, dict) or crypto.key_id_of(entry.get("ciphertext", "")) == key_id:
                continue
            entry["ciphertext"] = crypto.encrypt(_plaintext(entry["ciphertext"], pk=request.pk))
            CorrectionRequest.objects.filter(pk=request.pk).update(proposed=request.proposed)
            done += 1
    return done


def rotate_all(*, size: int = 1000, progress: Callable[[int, int], None] = lambda done, total: None) -> dict:
    """Walk every row not yet under the current key. Returns what was rotated."""
    key_id = crypto.current_key_id()
    total, done, after = members_left(key_id), 0, 0
    while True:
        count, last = rotate_member_batch(key_id=key_id, after_pk=after, size=size)
        if not count:
            break
        done, after = done + count, last
        progress(done, total)
    return {"key_id": key_id, "members": done, "corrections": rotate_corrections(key_id=key_id)}

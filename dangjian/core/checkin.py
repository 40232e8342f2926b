"""QR check-in for a scheduled event: a party-school class, a community activity.

The organiser shows (or prints) a QR code holding a signed URL; a member scans it with a phone
and checks in. The token names the event kind and id, signed with SECRET_KEY (django.core.signing)
so nobody can forge a code for another event. The code needs no expiry of its own: it is only
accepted within the event's check-in window (from ``opens_before`` ahead of the start to
``closes_after`` past the end), so it is dead once the event is over. Checking in once per member,
and only for an event open to that member, are the owning app's rules (a unique constraint and its
audience check).
"""

import datetime
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

_SALT = "dangjian.core.checkin"


@dataclass(frozen=True)
class CheckinWindow:
    opens_at: datetime.datetime
    closes_at: datetime.datetime

    def contains(self, moment: datetime.datetime) -> bool:
        return self.opens_at <= moment <= self.closes_at


def _minutes(name: str, default: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "DANGJIAN_CHECKIN", {}).get(name, default))


def checkin_window(*, starts_at: datetime.datetime, ends_at: datetime.datetime) -> CheckinWindow:
    """When a code for an event running ``starts_at``–``ends_at`` is accepted."""
    return CheckinWindow(opens_at=starts_at - _minutes("opens_before_minutes", 30),
                         closes_at=ends_at + _minutes("closes_after_minutes", 30))


def checkin_token(*, kind: str, pk: int) -> str:
    """The signed token for event ``kind`` (e.g. "school.class") number ``pk``."""
    return signing.dumps({"kind": kind, "pk": pk}, salt=_SALT, compress=True)


def read_checkin_token(token: str, *, kind: str) -> int:
    """The event id in ``token``; a forged, damaged or other-kind token is refused in Chinese."""
    try:
        payload = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature as error:
        raise ValidationError("签到码无效，请扫描现场出示的二维码。") from error
    if not isinstance(payload, dict) or payload.get("kind") != kind or not isinstance(payload.get("pk"), int):
        raise ValidationError("签到码无效，请扫描现场出示的二维码。")
    return payload["pk"]


def require_open(window: CheckinWindow, moment: datetime.datetime) -> None:
    """Refuse a check-in outside the window, saying which side of it the member is on."""
    if moment < window.opens_at:
        opens = timezone.localtime(window.opens_at)
        raise ValidationError(f"签到尚未开始：{opens:%m月%d日 %H:%M} 起可以签到。")
    if moment > window.closes_at:
        raise ValidationError("签到已结束，该签到码已失效。")


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (no image files, no outside service)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2)

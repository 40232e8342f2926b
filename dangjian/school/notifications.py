"""Class notices (开课、改期、取消通知) reach a class's audience through the notices app.

A notice is addressed to the school's area and the class's care group — the same members the
class is open to (the two apps share the care-group codes; a school's "all" is a notice's
"everyone"). It is resolved when a member reads it, so nobody gets a copy per member, and it is
posted in the same transaction as the class change it reports: a refused change posts nothing.
A class already over when it is written down (attendance recorded after the fact) has nobody left
to tell, and no notice is posted for it.
"""

import datetime

from django.utils import timezone

from dangjian.notices import services as notice_services
from dangjian.notices.models import Audience as NoticeAudience
from dangjian.notices.models import Notice
from dangjian.school.models import Audience, ClassSession

NOTICE_AUDIENCE = {Audience.ALL: NoticeAudience.EVERYONE, Audience.OFF_POST: NoticeAudience.OFF_POST,
                   Audience.FLOATING: NoticeAudience.FLOATING, Audience.PROBATIONARY: NoticeAudience.PROBATIONARY,
                   Audience.DIFFICULTY: NoticeAudience.DIFFICULTY}

SCHEDULED, RESCHEDULED, CANCELLED = "scheduled", "rescheduled", "cancelled"
_TITLE = {SCHEDULED: "开课通知", RESCHEDULED: "改期通知", CANCELLED: "停课通知"}


def _when(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    starts, ends = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return f"{starts:%Y年%m月%d日 %H:%M}—{ends:%H:%M}"


def _body(session: ClassSession, kind: str, previous: tuple | None) -> str:
    school, venue = session.school, session.venue
    where = f"{venue.name}（{venue.address}）" if venue.address else venue.name
    teacher = f"，授课教员{session.teacher.name}" if session.teacher_id else ""
    if kind == CANCELLED:
        text = f"{school.name}原定{_when(session.starts_at, session.ends_at)}在{where}举办的“{session.course}”取消。"
    else:
        moved = f"原定{_when(*previous)}的课程改期：" if kind == RESCHEDULED and previous else ""
        text = (f"{moved}{school.name}定于{_when(session.starts_at, session.ends_at)}在{where}举办"
                f"“{session.course}”{teacher}，计入{session.hours}学时。可现场扫码签到。")
    return f"{text}\n{session.notice}" if session.notice else text


def notify_class(*, actor, session: ClassSession, kind: str, previous: tuple | None = None,
                 request=None) -> Notice | None:
    """Tell the class's audience it was scheduled, moved (``previous``: the old start and end) or
    cancelled; None when neither the class nor its old time lies ahead."""
    now = timezone.now()
    if session.ends_at <= now and (previous is None or previous[1] <= now):
        return None
    title = f"{session.school.name}{_TITLE[kind]}：{session.course}"[:100]
    return notice_services.notice_post(actor=actor, title=title, body=_body(session, kind, previous),
                                       area=session.school.area, audience=NOTICE_AUDIENCE[session.audience],
                                       authority=session.school, request=request)

"""Meetings built through the real services."""

import datetime

from dangjian.orglife import services
from dangjian.orglife.models import MeetingStatus


def held(*, actor, organization, kind="theme_day", held_on=None, topic="学习党的二十届四中全会精神", host="王书记",
         **fields):
    return services.meeting_record(actor=actor, organization=organization, kind=kind,
                                   held_on=held_on or datetime.date.today() - datetime.timedelta(days=3),
                                   topic=topic, host=host, status=MeetingStatus.HELD, **fields)

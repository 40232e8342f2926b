"""Activities built through the real services."""

import datetime

from django.utils import timezone

from dangjian.activities import services


def announced(*, actor, city, community=None, capacity=2, starts_in=datetime.timedelta(days=3), hours=2,
              kind="volunteer", title="社区环境清洁志愿服务", organizer=None, **fields):
    community = community or city.dahanggong
    starts_at = timezone.now() + starts_in
    organizer = organizer or city.org(community)
    key = "organizer_unit" if organizer.__class__.__name__ == "Unit" else "organizer_organization"
    return services.activity_create(actor=actor, title=title, kind=kind, community=community, starts_at=starts_at,
                                    ends_at=starts_at + datetime.timedelta(hours=hours), place="社区广场",
                                    capacity=capacity, **{key: organizer}, **fields)

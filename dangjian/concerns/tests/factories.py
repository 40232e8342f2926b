"""Concerns for tests, made through the real services (every row has its timeline and audit)."""

from dangjian.concerns import services
from dangjian.concerns.models import ConcernCategory, ConcernChannel


def filed(*, community, category=ConcernCategory.ELDERLY, description="小区里独居老人较多，希望社区提供助餐服务。",
          **fields):
    """A concern a resident filed on the public page."""
    return services.concern_file_public(category=category, description=description, community=community,
                                        **fields)


def taken_in(*, actor, community, category=ConcernCategory.ENVIRONMENT,
             description="楼道堆放杂物，存在消防隐患。", channel=ConcernChannel.PHONE, **fields):
    return services.concern_intake(actor=actor, category=category, description=description, community=community,
                                   channel=channel, **fields)


def assigned(*, actor, community, organization, **fields):
    concern = filed(community=community, **fields)
    return services.concern_assign(actor=actor, concern=concern, organization=organization)


def resolved(*, actor, community, organization, reply="已协调物业清理，感谢您的反映。", **fields):
    concern = assigned(actor=actor, community=community, organization=organization, **fields)
    return services.concern_resolve(actor=actor, concern=concern, reply=reply)

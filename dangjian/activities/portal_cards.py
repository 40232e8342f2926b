"""The member's home-page cards: activities to sign up for / signed up, and this year's volunteer hours."""

from django.urls import reverse
from django.utils import timezone

from dangjian.activities import selectors
from dangjian.portal.cards import Card, register


@register(key="activities.upcoming", title="社区活动", order=50)
def upcoming_activities(member, *, today):
    mine = list(selectors.registrations_of(member).filter(activity__starts_at__gt=timezone.now())[:3])
    open_ones = list(selectors.activities_for_member(member).exclude(registrations__member=member)[:3])
    lines = [f"已{r.get_status_display()}：{timezone.localtime(r.activity.starts_at):%m月%d日} {r.activity.title}"
             for r in mine]
    lines += [f"可报名：{timezone.localtime(a.starts_at):%m月%d日} {a.title}（余{max(a.capacity - a.taken, 0)}个名额）"
              for a in open_ones]
    if not lines:
        return None  # nothing to sign up for: the card is left out
    return Card(lines=lines, link=reverse("activities:member_list"))

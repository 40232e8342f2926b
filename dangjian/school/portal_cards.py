"""The member's home-page card: this year's study hours against the target (a few queries),
shown when a school's plan reaches the member or they attended a class."""

from dangjian.portal.cards import Card, register
from dangjian.school import selectors, services


@register(key="school.hours", title="党校学习", order=30)
def study_hours(member, *, today):
    hours = selectors.member_hours(member, today.year)
    target = selectors.member_target_hours(member, today.year)
    if target is None and not hours:
        return None  # no school's plan reaches the member and no class attended: nothing to say
    target = target or services.default_target_hours()
    remaining = max(target - hours, 0)
    lines = [f"{today.year}年已学习{hours}学时，目标{target}学时。"]
    lines.append(f"还差{remaining}学时。" if remaining else "今年的学习目标已完成。")
    return Card(lines=lines, link="/m/school/")

"""The portal's own cards: a transfer in progress and the floating member's report.

Other apps add theirs in ``<app>/portal_cards.py`` (see portal/cards.py)."""

from dangjian.portal import selectors
from dangjian.portal.cards import Card, register


@register(key="members.transfer", title="组织关系转接", order=10)
def transfer_in_progress(member, *, today):
    transfer = selectors.my_transfer_in_progress(member)
    if transfer is None:
        return None
    target = transfer.to_organization.name if transfer.to_organization_id else transfer.to_outside
    return Card(lines=[f"介绍信 {transfer.letter_number}：转往{target}",
                       f"{transfer.issued_on:%Y年%m月%d日}开具，请于{transfer.expires_on:%Y年%m月%d日}前报到。"])


@register(key="members.floating", title="流动党员报平安", order=20)
def floating(member, *, today):
    record = selectors.my_open_floating_record(member)
    if record is None and not member.lost_contact_since:
        return None
    lines = []
    if record is not None:
        lines.append(f"登记的流入地：{record.place}")
        if record.last_contact_on:
            lines.append(f"最近一次联系：{record.last_contact_on:%Y年%m月%d日}")
    else:
        lines.append("党组织一直在找您，请告诉我们您在哪里、怎样联系您。")
    return Card(lines=lines, link="/m/floating/", template="portal/cards/floating.html",
                context={"place": record.place if record else "", "contact": record.contact if record else ""})

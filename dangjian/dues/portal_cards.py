"""The member's dues card on the portal home page: this year's months paid and due, and the
amount (four small queries for one member, through the dues selectors)."""

from dangjian.dues import selectors
from dangjian.dues.selectors import MonthStatus
from dangjian.portal.cards import Card, register


@register(key="dues.year", title="我的党费", order=40)
def my_dues(member, *, today):
    months = selectors.member_year(member, year=today.year, today=today)
    paid = [state for state in months if state.status == MonthStatus.PAID]
    unpaid = [state for state in months if state.status == MonthStatus.UNPAID]
    due_now = next((state for state in months if state.status == MonthStatus.DUE), None)
    if not paid and not unpaid and due_now is None:
        return None
    total = sum((state.paid for state in paid), 0)
    lines = [f"{today.year}年已交{len(paid)}个月，共{total}元。"]
    if due_now is not None:
        lines.append(f"本月应交{due_now.due}元。")
    if unpaid:
        lines.append("尚未交纳：" + "、".join(f"{state.month.month}月" for state in unpaid) + "，请向支部交纳。")
    return Card(lines=lines)

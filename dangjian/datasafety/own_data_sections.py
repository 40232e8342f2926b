"""Personal-data sections for the member record, the portal and notices (personal_data.py).

Decisions (docs/apps/datasafety.md): the full ID number and phone are the member's own and
are given in full; the branch's internal remarks (``Member.notes``, ``Transfer.note``) and a
care visit's ``findings`` are assessments written by others about the member and may name
third parties, so they are left out (the member may ask the branch for them); concerns are
filed by residents under a phone number and tracking code, not linked to a member, so none
can be attributed with certainty and none are exported.
"""

from dangjian.core import crypto
from dangjian.datasafety.personal_data import Section, section
from dangjian.members.models import CareVisit, HelpKind, Transfer
from dangjian.notices.models import NoticeRead
from dangjian.organizations.models import PartyOrganization
from dangjian.portal.models import CorrectionRequest
from dangjian.portal.services import correction_rows


def _name(code) -> str:
    return code.name if code is not None else ""


@section(key="members.profile", title="基本信息", order=10)
def profile(member):
    rows = [
        ["姓名", member.name], ["身份证号码", crypto.decrypt(member.id_number_ciphertext)],
        ["性别", _name(member.sex)], ["民族", _name(member.ethnicity)], ["学历", _name(member.education)],
        ["出生日期", member.birth_date], ["联系电话", member.phone],
        ["所在党组织", member.organization.name], ["党员类别", member.get_status_display()],
        ["入党时间", member.joined_on], ["转正时间", member.full_member_on],
        ["就业状况", member.get_employment_display()],
        ["工作单位", member.workplace_unit.name if member.workplace_unit_id else member.workplace_text],
        ["居住社区", str(member.residence_area) if member.residence_area_id else ""],
        ["党籍状态", member.get_standing_display()],
        ["失联日期", member.lost_contact_since],
        ["困难党员", "是" if member.has_difficulty else "否"], ["困难情况", member.difficulty_reason],
        ["登记时间", member.created_at],
    ]
    return Section(columns=["项目", "内容"], rows=rows)


@section(key="members.organizations", title="所在党组织变化", order=20)
def organization_history(member):
    """When the member's organization changed, from the record's history (one query each)."""
    changes, last = [], None
    for entry in member.history.order_by("history_date", "history_id").values("history_date", "organization_id"):
        if entry["organization_id"] != last:
            changes.append(entry)
            last = entry["organization_id"]
    names = dict(PartyOrganization.objects.filter(pk__in={c["organization_id"] for c in changes})
                 .values_list("pk", "name"))
    return Section(columns=["自", "所在党组织"],
                   rows=[[c["history_date"], names.get(c["organization_id"], "")] for c in changes])


@section(key="members.transfers", title="组织关系转接", order=30)
def transfers(member):
    rows = [[t.letter_number, t.from_organization.name if t.from_organization_id else t.from_outside,
             t.to_organization.name if t.to_organization_id else t.to_outside, t.issued_on, t.valid_days,
             t.get_status_display(), t.closed_on, t.reason]
            for t in Transfer.objects.filter(member=member).select_related("from_organization", "to_organization")]
    return Section(columns=["介绍信编号", "转出", "转入", "开具日期", "有效期（天）", "状态", "办结日期", "转接原因"],
                   rows=rows)


@section(key="members.floating", title="流动党员登记", order=40)
def floating(member):
    rows = [[r.get_direction_display(), r.place, r.reason, r.card_number, r.contact,
             r.host_organization.name if r.host_organization_id else "", r.started_on, r.ended_on, r.last_contact_on]
            for r in member.floating_records.select_related("host_organization")]
    return Section(columns=["流向", "流入地或流出地", "流动原因", "活动证号", "联系方式", "流入地党组织",
                            "开始日期", "结束日期", "最近联系日期"], rows=rows)


@section(key="members.care_visits", title="走访慰问", order=50)
def care_visits(member):
    labels = dict(HelpKind.choices)
    rows = [[v.visited_on, v.visitor, "、".join(str(labels.get(k, k)) for k in v.help_kinds or []), v.amount,
             v.help_detail] for v in CareVisit.objects.filter(member=member)]
    return Section(columns=["走访日期", "走访人", "帮扶方式", "慰问金额（元）", "帮扶内容"], rows=rows)


@section(key="notices.reads", title="已读通知", order=60)
def notices_read(member):
    rows = [list(row) for row in NoticeRead.objects.filter(member=member).order_by("-read_at")
            .values_list("notice__title", "notice__posted_at", "read_at")]
    return Section(columns=["通知标题", "发布时间", "阅读时间"], rows=rows)


def _shown(correction) -> str:
    # The portal's own side-by-side rows: an ID number appears masked there (the member typed
    # it; the full current number is in 基本信息).
    return "；".join(f"{row['label']}：{row['old']} → {row['new']}" for row in correction_rows(correction))


@section(key="portal.corrections", title="信息更正申请", order=70)
def corrections(member):
    rows = [[c.created_at, _shown(c), c.note, c.get_state_display(), c.decided_at, c.decision_reason]
            for c in CorrectionRequest.objects.filter(member=member)]
    return Section(columns=["申请时间", "申请修改为", "说明", "状态", "审核时间", "审核意见"], rows=rows)


@section(key="portal.account", title="党员门户账号", order=80)
def account(member):
    portal_account = getattr(member, "portal_account", None)
    if portal_account is None:
        return Section(columns=["项目", "内容"])
    user = portal_account.user
    return Section(columns=["项目", "内容"], rows=[["登录账号", user.get_username()],
                                                 ["激活时间", portal_account.activated_at],
                                                 ["最近登录", user.last_login]])

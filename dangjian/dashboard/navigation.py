"""The back-office sidebar: grouped by the work, shown only where the user has a role.

unfold builds the sidebar on every back-office page: it deep-copies this structure, evaluates
each item's permission callback (about forty, most of them the same role check) and renders
forty-five items through its templates (≈ 16 ms of a 50 ms roster page). Here the structure
(titles in the active language, reversed links) is built once per language and script prefix,
and ``sidebar_for`` answers each distinct permission callback once per request
(``core.admin_site`` renders it; the per-user part is only which items show and which is active).
"""

import functools

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dangjian.accounts import scoping
from dangjian.accounts.models import Role


def _has_role(request):
    return scoping.has_any_role(request.user)


def _may_write(request):
    return scoping.may_write_anything(request.user)


def _may_manage_accounts(request):
    return scoping.may_manage_accounts(request.user)


def _sees_role_assignments(request):
    return scoping.has_any_role(request.user) or scoping.is_security_admin(request.user)


def _is_audit_admin(request):
    return scoping.is_audit_admin(request.user)


def _is_system_admin(request):
    return scoping.is_system_admin(request.user)


def _school_pages(request):
    """The party school pages: general roles in their scope, and a school's administrator."""
    from dangjian.accounts.models import Role

    return scoping.has_any_role(request.user) or scoping.holds_role(request.user, Role.SCHOOL_ADMIN)


def sidebar_navigation(request):
    """The sidebar as unfold's ``SIDEBAR["navigation"]`` setting reads it (a fresh copy)."""
    return [{**group, "items": [dict(item) for item in group["items"]]} for group in _groups()]


def sidebar_for(request, is_active) -> list[dict]:
    """The sidebar for this request: the built structure, each item marked ``has_permission``
    and ``active`` (``is_active(request, link)``, unfold's rule). Each distinct permission
    callback runs once per request: nothing is remembered across requests but the structure,
    which is the same for every user."""
    decided = {}

    def allowed(permission) -> bool:
        if permission is None:
            return True
        if permission not in decided:
            decided[permission] = bool(permission(request))
        return decided[permission]

    def for_request(item) -> dict:
        # a link may still be a callable of the request (unfold's convention): resolved here,
        # so the rendered link is plain text and part of the sidebar's render key
        link = str(item["link"](request) if callable(item["link"]) else item["link"])
        return {**item, "link": link, "has_permission": allowed(item.get("permission")),
                "active": is_active(request, link)}

    return [{**group, "items": [for_request(item) for item in group["items"]]} for group in _groups()]


def _groups() -> list[dict]:
    return _built_groups(get_language(), get_script_prefix())


@functools.lru_cache(maxsize=16)
def _built_groups(language: str, script_prefix: str) -> list[dict]:
    """The groups with their titles translated and their links reversed, once per language and
    script prefix (the arguments are the cache key: ``reverse`` and ``gettext`` read them)."""
    return [
        {**group, "title": str(group["title"]),
         "items": [{**item, "title": str(item["title"])} for item in group["items"]]}
        for group in _navigation()
    ]


def _navigation() -> list[dict]:
    return [
        {
            "title": _("工作台"),
            "items": [
                {"title": _("统计看板"), "icon": "dashboard", "link": reverse("admin:index"),
                 "permission": _has_role},
                {"title": _("组织体检"), "icon": "health_and_safety", "link": reverse("dashboard:health"),
                 "permission": _has_role},
            ],
        },
        {
            "title": _("区域与组织"),
            "items": [
                {"title": _("区域"), "icon": "account_tree",
                 "link": reverse("admin:organizations_area_changelist"), "permission": _has_role},
                {"title": _("党组织"), "icon": "flag",
                 "link": reverse("admin:organizations_partyorganization_changelist"), "permission": _has_role},
                {"title": _("驻区单位"), "icon": "apartment",
                 "link": reverse("admin:organizations_unit_changelist"), "permission": _has_role},
            ],
        },
        {
            "title": _("党员管理"),
            "items": [
                {"title": _("党员名册"), "icon": "groups",
                 "link": reverse("admin:members_member_changelist"), "permission": _has_role},
                {"title": _("组织关系转接"), "icon": "swap_horiz", "link": reverse("members:transfers"),
                 "permission": _has_role},
                {"title": _("流动党员"), "icon": "directions_walk",
                 "link": f"{reverse('members:care')}?group=floating_out", "permission": _has_role},
                {"title": _("关爱台账/走访"), "icon": "volunteer_activism", "link": reverse("members:care"),
                 "permission": _has_role},
                {"title": _("导入"), "icon": "upload_file", "link": "/members/import/",
                 "permission": _may_write},
            ],
        },
        {
            "title": _("党员门户"),
            "items": [
                {"title": _("通知公告"), "icon": "campaign", "link": reverse("admin:notices_notice_changelist"),
                 "permission": _has_role},
                {"title": _("信息更正申请"), "icon": "fact_check",
                 "link": reverse("admin:portal_correctionrequest_changelist"), "permission": _has_role},
                {"title": _("门户账号"), "icon": "smartphone",
                 "link": reverse("admin:portal_memberaccount_changelist"), "permission": _has_role},
                {"title": _("签发激活码"), "icon": "password", "link": reverse("admin:portal_memberaccount_issue"),
                 "permission": _may_write},
                {"title": _("激活码发放记录"), "icon": "receipt_long",
                 "link": reverse("admin:portal_activationcode_changelist"), "permission": _has_role},
            ],
        },
        {
            "title": _("组织生活与社区活动"),
            "items": [
                {"title": _("三会一课"), "icon": "groups", "link": reverse("orglife:list"), "permission": _has_role},
                {"title": _("应开与实开"), "icon": "event_available", "link": reverse("orglife:branches"),
                 "permission": _has_role},
                {"title": _("社区活动"), "icon": "volunteer_activism", "link": reverse("activities:list"),
                 "permission": _has_role},
            ],
        },
        {
            "title": _("群众工作"),
            "items": [
                {"title": _("群众诉求"), "icon": "support_agent", "link": reverse("concerns:list"),
                 "permission": _has_role},
            ],
        },
        {
            "title": _("党费"),
            "items": [
                {"title": _("党费收缴"), "icon": "payments", "link": reverse("dues:index"), "permission": _has_role},
                {"title": _("交纳标准"), "icon": "percent", "link": reverse("dues:rates"), "permission": _has_role},
                {"title": _("交纳记录"), "icon": "receipt",
                 "link": reverse("admin:dues_duespayment_changelist"), "permission": _has_role},
            ],
        },
        {
            "title": _("考核评价"),
            "items": [
                {"title": _("考核方案与排名"), "icon": "military_tech", "link": reverse("evaluation:list"),
                 "permission": _has_role},
            ],
        },
        {
            "title": _("年度统计"),
            "items": [
                # Area roles only (as annual_report.selectors.may_report): the report covers a whole area.
                {"title": _("年度统计报表"), "icon": "summarize", "link": reverse("annual_report:page"),
                 "permission": lambda request: scoping.is_superuser(request.user) or any(
                     grant.is_general and grant.area_path for grant in scoping.grants_for(request.user))},
            ],
        },
        {
            "title": _("联席会"),
            "items": [
                {"title": _("社区党建联席会"), "icon": "diversity_3", "link": reverse("conference:list"),
                 "permission": _has_role},
                {"title": _("联席会工作（成员单位）"), "icon": "assignment_ind",
                 "link": reverse("conference:liaison_home"),
                 "permission": lambda request: scoping.holds_role(request.user, "liaison")},
            ],
        },
        {
            "title": _("社区党校"),
            "items": [
                {"title": _("党校与教育计划"), "icon": "school", "link": reverse("school:list"),
                 "permission": _school_pages},
            ],
        },
        {
            "title": _("覆盖与共建"),
            "items": [
                {"title": _("覆盖情况"), "icon": "hub", "link": reverse("coverage:board"), "permission": _has_role},
                {"title": _("空白点"), "icon": "report", "link": reverse("coverage:blank_spots"),
                 "permission": _has_role},
                {"title": _("党建工作指导员"), "icon": "school", "link": reverse("coverage:instructors"),
                 "permission": _has_role},
                {"title": _("结对共建"), "icon": "handshake", "link": reverse("coverage:pairings"),
                 "permission": _has_role},
                {"title": _("在职党员报到"), "icon": "volunteer_activism", "link": reverse("coverage:services"),
                 "permission": _has_role},
                {"title": _("我的联系单位"), "icon": "assignment_ind", "link": reverse("coverage:mine"),
                 "permission": lambda request: scoping.holds_role(request.user, Role.INSTRUCTOR)},
            ],
        },
        {
            "title": _("账号与安全"),
            "items": [
                {"title": _("用户"), "icon": "person", "link": reverse("admin:accounts_user_changelist"),
                 "permission": _may_manage_accounts},
                {"title": _("角色授权"), "icon": "badge",
                 "link": reverse("admin:accounts_roleassignment_changelist"), "permission": _sees_role_assignments},
                {"title": _("接口令牌"), "icon": "key", "link": reverse("admin:accounts_apitoken_changelist"),
                 "permission": _may_manage_accounts},
                {"title": _("审计日志"), "icon": "policy", "link": reverse("admin:accounts_auditentry_changelist"),
                 "permission": _is_audit_admin},
                {"title": _("审计日志归档"), "icon": "inventory_2",
                 "link": reverse("admin:accounts_auditarchive_changelist"), "permission": _is_audit_admin},
                {"title": _("系统状态"), "icon": "monitor_heart", "link": reverse("system-status"),
                 "permission": _is_system_admin},
            ],
        },
    ]

"""Demo accounts: one per role and level, all with the demo password (README)."""

from dangjian.accounts import services
from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.core.demo import DEMO_PASSWORD, DemoContext, demo_builder
from dangjian.organizations.models import Area, PartyOrganization

# username, display name, role, how to find the scope
DEMO_ACCOUNTS = [
    ("city", "市委组织部管理员", Role.CITY_ADMIN, ("area", "320100")),
    ("district", "玄武区委组织部管理员", Role.AREA_ADMIN, ("area", "320102")),
    ("street", "梅园新村街道党工委管理员", Role.AREA_ADMIN, ("area", "320102002000")),
    ("community", "大行宫社区书记", Role.AREA_ADMIN, ("area", "320102002001")),
    ("org", "梅园新村街道党工委组织委员", Role.ORG_ADMIN, ("organization", "中共梅园新村街道工作委员会")),
    ("leader", "玄武区领导", Role.LEADER, ("area", "320102")),
    # 三员分立: each over the whole system, none sees business data.
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, ("area", "320100")),
    ("security", "安全管理员", Role.SECURITY_ADMIN, ("area", "320100")),
    ("auditor", "审计管理员", Role.AUDIT_ADMIN, ("area", "320100")),
]


@demo_builder(order=90)
def build_accounts(ctx: DemoContext) -> None:
    for username, display_name, role, (kind, key) in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"display_name": display_name,
                                                                                  "is_staff": True})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        area = Area.objects.filter(code=key).first() if kind == "area" else None
        organization = PartyOrganization.objects.filter(name=key).first() if kind == "organization" else None
        if area is None and organization is None:
            continue
        if not RoleAssignment.objects.filter(user=user, role=role, area=area, organization=organization).exists():
            services.role_grant(actor=ctx.actor, user=user, role=role, area=area, organization=organization)

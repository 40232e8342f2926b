"""Demo accounts: one per role and level, all with the demo password (README).

Back-office sign-in asks for a TOTP code (accounts/two_factor.py). So that the demo can be tried
without an authenticator app, each demo account gets an authenticator named DEMO_DEVICE_NAME
whose key is derived from the username; ``manage.py demo_otp <account>`` prints its current code
and refuses any other device.
"""

import hashlib

from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import services
from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.core.demo import DEMO_PASSWORD, DemoContext, demo_builder
from dangjian.organizations.models import Area, PartyOrganization

DEMO_DEVICE_NAME = "演示身份验证器"


def demo_totp_device(user) -> TOTPDevice:
    key = hashlib.sha256(f"dangjian-demo-totp:{user.username}".encode()).hexdigest()[:40]
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE_NAME, defaults={"key": key, "confirmed": True})
    return device

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


@demo_builder(order=999)
def build_demo_authenticators(ctx: DemoContext) -> None:
    """Last, after every app has made its demo accounts: an authenticator for each back-office
    account that has none (the demo's; a real deployment's users enroll their own phones)."""
    for user in User.objects.filter(is_staff=True, is_active=True).exclude(totpdevice__confirmed=True):
        demo_totp_device(user)

"""Build the demo city, idempotently: ``manage.py demo [--size demo|district|city]``."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dangjian.accounts.models import User
from dangjian.core.demo import DEMO_PASSWORD, SIZES, DemoContext, builders


class Command(BaseCommand):
    help = "生成演示数据（可重复运行，不会重复生成）。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="demo",
                            help="demo：README 中的演示城市（经由业务服务写入，含历史与审计记录）；district：一个区、5万名党员；"
                                 "city：参照城市规模（11个区、99个街道、1188个社区、约1.55万个党组织、5.9万个驻区单位、"
                                 "60万名党员，批量写入，约数分钟）。")

    @transaction.atomic  # a failed run leaves nothing half-built
    def handle(self, *args, size, **options):
        system, created = User.objects.get_or_create(
            username="admin", defaults={"display_name": "系统管理员", "is_staff": True, "is_superuser": True}
        )
        if created:
            system.set_password(DEMO_PASSWORD)
            system.save()
        context = DemoContext(size=SIZES[size], actor=system, log=lambda text: self.stdout.write(text))
        for builder in builders():
            self.stdout.write(f"· {builder.name}")
            builder.build(context)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（规模：{size}）。"))

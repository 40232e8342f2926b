"""Build the demo city, idempotently: ``manage.py demo [--size demo|district|city]``."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dangjian.accounts.models import User
from dangjian.core.demo import DEMO_PASSWORD, SIZES, DemoContext, builders


class Command(BaseCommand):
    help = "生成演示数据（可重复运行，不会重复生成）。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="demo",
                            help="demo：README 中的演示城市；city：参照城市规模（12个区、100个街道、1200个社区）。")

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

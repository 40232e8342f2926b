"""Recompute the dashboard's rollup (run nightly from cron; see dashboard/rollup.py)."""

from django.core.management.base import BaseCommand

from dangjian.dashboard import rollup
from dangjian.dashboard.tasks import refresh_dashboard_rollups


class Command(BaseCommand):
    help = "汇总全市、各区、各街道的仪表盘统计数据（每晚一次），供仪表盘快速显示。"

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行（manage.py db_worker）")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = refresh_dashboard_rollups.enqueue()
            self.stdout.write(f"已提交后台任务 {result.id}。")
            return

        def progress(done, total):
            if done == total or done % 10 == 0:
                self.stdout.write(f"  {done}/{total}")

        count = rollup.refresh(progress=progress)
        self.stdout.write(f"已汇总{count}个区域的统计数据。")

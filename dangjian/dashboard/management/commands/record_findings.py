"""Record the week's organization health check findings (run weekly from cron)."""

import datetime

from django.core.management.base import BaseCommand

from dangjian.dashboard.findings import findings_record
from dangjian.dashboard.tasks import findings_record_weekly


class Command(BaseCommand):
    help = "记录组织体检发现的问题（每周一次），供趋势、整改情况和仪表盘使用。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="体检日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行（manage.py db_worker）")

    def handle(self, *args, date=None, enqueue=False, **options):
        if date:
            datetime.date.fromisoformat(date)  # refuse a malformed date before queueing anything
        if enqueue:
            result = findings_record_weekly.enqueue(on_date=date)
            self.stdout.write(f"已提交后台任务 {result.id}。")
            return
        run = findings_record(on_date=datetime.date.fromisoformat(date) if date else None)
        self.stdout.write(f"{run.recorded_on:%Y-%m-%d}：问题{run.open_findings}项，新发现{run.new_findings}项，"
                          f"已整改{run.resolved_findings}项。")

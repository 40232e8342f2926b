"""Mark failed, with a retry, the imports whose background worker died midway (run from cron
every few minutes, and after restarting the workers; see docs/deploy.md)."""

from django.core.management.base import BaseCommand

from dangjian.members.services_import_recovery import member_import_recover_interrupted


class Command(BaseCommand):
    help = "把后台任务进程中途停止的导入批次标记为失败（可重试）"

    def handle(self, *args, **options):
        recovered = member_import_recover_interrupted()
        self.stdout.write(f"{len(recovered)} 个导入批次已标记为中断：{recovered}" if recovered else "没有中断的导入批次。")

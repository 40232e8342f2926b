"""Record newly found and resolved blank spots over the whole city (run daily)."""

from django.core.management.base import BaseCommand

from dangjian.coverage import services, tasks


class Command(BaseCommand):
    help = "查找并记录空白点的发现与消除（建议每天运行一次）"

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            tasks.blank_spots_sync_run.enqueue()
            self.stdout.write("已加入后台任务队列。")
            return
        result = services.blank_spots_sync()
        self.stdout.write(f"新发现 {result['opened']} 个，消除 {result['resolved']} 个。")

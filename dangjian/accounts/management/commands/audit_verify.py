from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts import audit_archive, audit_chain
from dangjian.accounts.models import AuditArchive


class Command(BaseCommand):
    help = "校验审计日志的摘要链和归档文件；发现篡改时以非零状态退出。"

    def handle(self, *args, **options):
        report = audit_chain.verify()
        if not report.intact:
            raise CommandError(f"审计日志被篡改：第 {report.broken_at} 条，{report.reason}（已校验 {report.checked} 条）。")
        for archive in AuditArchive.objects.order_by("last_entry_id"):
            if not audit_archive.verify_archive_file(archive):
                raise CommandError(f"归档文件缺失或被改动：{archive.file_name}")
        self.stdout.write(f"审计日志完整：已校验 {report.checked} 条记录，"
                          f"{AuditArchive.objects.count()} 个归档文件。")

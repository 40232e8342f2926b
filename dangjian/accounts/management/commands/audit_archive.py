from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts import audit_archive


class Command(BaseCommand):
    help = "把超过保存期限（至少180天）的审计日志移入归档文件（记录摘要，不静默删除）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="归档多少天以前的记录（默认 AUDIT_RETENTION_DAYS，至少180）")

    def handle(self, *args, **options):
        try:
            archive = audit_archive.archive_older_than(days=options["days"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if archive is None:
            self.stdout.write("没有超过保存期限的审计日志。")
        else:
            self.stdout.write(f"已归档 {archive.entry_count} 条记录到 {archive.file_name}（SHA-256 {archive.file_sha256}）。")

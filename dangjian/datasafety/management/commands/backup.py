"""``manage.py backup --output FILE``: an encrypted, consistent archive of the database and MEDIA_ROOT."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts import audit
from dangjian.accounts.models import AuditAction
from dangjian.datasafety.backup import default_name, write_backup
from dangjian.datasafety.sealed_stream import ArchiveError


class Command(BaseCommand):
    help = "备份数据库和上传文件，写入加密的归档文件（密钥：BACKUP_ENCRYPTION_KEY）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="备份文件路径（默认：当前目录下 dangjian-<时间>.backup）")

    def handle(self, *args, output=None, **options):
        path = Path(output or default_name())
        if path.exists():
            raise CommandError(f"文件已存在，不会覆盖：{path}")
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent}")
        try:
            result = write_backup(output=path)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        audit.record_change(actor=None, action=AuditAction.EXPORT, obj=None, actor_label="manage.py backup",
                            event="backup", file=path.name, tables=result.tables, rows=result.rows,
                            media_files=result.media_files, sha256=result.sha256)
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{path}（{result.tables} 张表，{result.rows} 行，{result.media_files} 个上传文件）\n"
            f"文件 SHA-256：{result.sha256}（请与备份文件分开记录，用于核对备份是否完整）"))

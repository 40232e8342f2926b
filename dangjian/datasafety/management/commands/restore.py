"""``manage.py restore --input FILE [--force]``: bring back an archive written by ``backup``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts import audit
from dangjian.accounts.models import AuditAction
from dangjian.datasafety.restore import restore
from dangjian.datasafety.sealed_stream import ArchiveError


class Command(BaseCommand):
    help = "从备份文件恢复数据库和上传文件（先完整校验，再在一个事务中写入）。"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="备份文件路径")
        parser.add_argument("--force", action="store_true",
                            help="目标数据库已有数据时仍然恢复（先清空全部表，再写入备份内容）")

    def handle(self, *args, input, force=False, **options):
        path = Path(input)
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")

        def record(manifest):
            # Inside the restore's transaction: the entry exists exactly when the data does.
            audit.record_change(actor=None, action=AuditAction.IMPORT, obj=None, actor_label="manage.py restore",
                                event="restore", file=path.name, backup_created_at=manifest["created_at"],
                                tables=len(manifest["tables"]), rows=sum(t["rows"] for t in manifest["tables"]),
                                forced=force)

        try:
            result = restore(path=path, force=force, on_verified=record)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：{result.tables} 张表，{result.rows} 行，{result.media_files} 个上传文件。"))

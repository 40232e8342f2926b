"""``manage.py rotate_field_key``: re-encrypt ID numbers under FIELD_ENCRYPTION_CURRENT_KEY_ID."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts import audit
from dangjian.accounts.models import AuditAction
from dangjian.datasafety.rotation import RotationError, rotate_all


class Command(BaseCommand):
    help = "把身份证号码等加密字段改用当前密钥（FIELD_ENCRYPTION_CURRENT_KEY_ID）重新加密，并重算检索索引；可中断后重跑。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="每批处理的记录数（每批一个短事务）")

    def handle(self, *args, batch_size=1000, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 须为正整数。")

        def progress(done, total):
            self.stdout.write(f"已重新加密 {done} / {total} 名党员的身份证号码")

        try:
            result = rotate_all(size=batch_size, progress=progress)
        except (RotationError, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from None
        audit.record_change(actor=None, action=AuditAction.UPDATE, obj=None, actor_label="manage.py rotate_field_key",
                            event="field_key_rotated", **result)
        self.stdout.write(self.style.SUCCESS(
            f"完成：当前密钥 {result['key_id']}，本次重新加密党员 {result['members']} 名、"
            f"更正申请 {result['corrections']} 条；已无使用旧密钥的记录。"))

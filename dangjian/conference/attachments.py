"""The attachment check for conference documents and progress reports: PDF, DOCX or an image,
no larger than DANGJIAN_RULES["CONFERENCE_ATTACHMENT_MAX_MB"], and the file's first bytes must
say it is what its name says (a renamed executable is refused)."""

from django.conf import settings
from django.core.exceptions import ValidationError

# extension → the signatures its first bytes may start with
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
ALLOWED_LABEL = "PDF、DOCX、PNG 或 JPG"


def max_bytes() -> int:
    return int(settings.DANGJIAN_RULES.get("CONFERENCE_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def check_attachment(upload, *, field: str = "attachment") -> None:
    """Refuse (Chinese ValidationError on ``field``) a file of a forbidden type or too large."""
    if not upload:
        return
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise ValidationError({field: f"附件类型不允许：只能上传 {ALLOWED_LABEL} 文件。"})
    if upload.size > max_bytes():
        raise ValidationError({field: f"附件过大：不能超过{max_bytes() // (1024 * 1024)}MB。"})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError({field: f"附件内容与扩展名不符：请上传真实的 {ALLOWED_LABEL} 文件。"})

"""The attachment check for conference documents and progress reports: PDF, DOCX or an image,
no larger than DANGJIAN_RULES["CONFERENCE_ATTACHMENT_MAX_MB"] (core/uploads.py checks type, size
and content)."""

from django.conf import settings

from dangjian.core.uploads import check_upload

EXTENSIONS = (".pdf", ".docx", ".png", ".jpg", ".jpeg")


def max_bytes() -> int:
    return int(settings.DANGJIAN_RULES.get("CONFERENCE_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def check_attachment(upload, *, field: str = "attachment") -> None:
    """Refuse (Chinese ValidationError on ``field``) a file of a forbidden type or too large."""
    if upload:
        check_upload(upload, extensions=EXTENSIONS, max_bytes=max_bytes(), field=field, what="附件")

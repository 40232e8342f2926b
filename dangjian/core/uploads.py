"""One check for every uploaded file (conference documents and progress reports, meeting
attachments, assessment evidence, activity photos): an allowed extension, not empty, not over the
size limit, and first bytes that say the file is what its name says (a renamed executable is
refused). Each app passes its own extensions and limit; the messages are the same everywhere."""

import os

from django.core.exceptions import ValidationError

# extension → the signatures its first bytes may start with (docx/xlsx are zip files; doc/xls
# the old OLE compound format)
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def check_upload(upload, *, extensions, max_bytes: int, field: str = "file", what: str = "附件",
                 why_these_types: str = "") -> str:
    """Refuse (Chinese ValidationError on ``field``) a file of another type, empty, too large or
    whose content does not match its extension; returns the file's base name. ``why_these_types``
    is added to the type refusal (evidence: "no photos as proof")."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    label = "、".join(dict.fromkeys(ext.lstrip(".").upper() for ext in extensions))
    if not name or extension not in extensions:
        raise ValidationError({field: f"{what}类型不允许：不支持该文件类型，只能上传 {label} 文件{why_these_types}。"})
    if upload.size == 0:
        raise ValidationError({field: f"{what}是空文件，请重新选择。"})
    if upload.size > max_bytes:
        raise ValidationError({field: f"{what}过大：不能超过{max_bytes // (1024 * 1024)}MB。"})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError({field: f"{what}内容与扩展名不符：请上传真实的 {label} 文件。"})
    return name

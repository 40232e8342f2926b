import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.uploads import check_upload

PDF_ONLY = {"extensions": (".pdf", ".docx"), "max_bytes": 1024}


def test_a_real_pdf_passes_and_its_base_name_comes_back():
    assert check_upload(SimpleUploadedFile("../../材料.pdf", b"%PDF-1.7 ..."), **PDF_ONLY) == "材料.pdf"


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "类型不允许"),
    (SimpleUploadedFile("empty.pdf", b""), "空文件"),
    (SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2048), "过大"),
    (SimpleUploadedFile("renamed.pdf", b"MZ\x90\x00"), "内容与扩展名不符"),
    (SimpleUploadedFile("renamed.docx", b"%PDF-1.4"), "内容与扩展名不符"),
])
def test_wrong_files_are_refused_in_chinese(upload, message):
    with pytest.raises(ValidationError, match=message):
        check_upload(upload, **PDF_ONLY)

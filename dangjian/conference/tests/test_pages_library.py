"""The library pages: registering a document (with an attachment), revising it (a new version,
the previous kept) and marking it superseded or repealed — each with its refusal (Chinese,
nothing written), 404 outside scope, 403 for read-only roles and liaisons."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.conference import services
from dangjian.conference.models import Document, DocumentVersion
from dangjian.conference.tests.factories import START, pdf, qinhuai_conference, street_conference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rule(street, actor, title="结对共建工作办法"):
    return services.document_create(actor=actor, conference=street.conference, kind="rule", title=title,
                                    issuer="街道党工委", number="梅党工〔2025〕2号", effective_on=START,
                                    text="机关与社区结对，每季度开展活动。")


def _revision(**changes) -> dict:
    return {"title": "结对共建工作办法（修订）", "number": "梅党工〔2025〕9号", "effective_on": "2025-06-01",
            "text": "机关与社区结对，每月开展活动。", "note": "活动频次改为每月", **changes}


def test_the_office_registers_a_document_with_its_attachment(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    url = f"/conference/{street.conference.pk}/documents/new/"
    form = {"kind": "opinion", "title": "关于加强社区党建工作的意见", "issuer": "街道党工委", "number": "",
            "effective_on": "2025-02-01", "text": "推进区域化党建。"}
    response = client.post(url, {**form, "attachment": SimpleUploadedFile("意见.exe", b"MZ\x90\x00", "text/plain")})
    assert response.status_code == 400 and "附件" in response.content.decode()
    assert not Document.objects.exists()
    response = client.post(url, {**form, "attachment": pdf("意见.pdf")})
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/conference/documents/{document.pk}/"
    assert document.attachment.name.endswith(".pdf") and document.versions.count() == 1
    assert "登记文件" in client.get(f"/conference/{street.conference.pk}/documents/").content.decode()


def test_revising_keeps_the_previous_version(city, street_admin):
    street = street_conference(city, actor=street_admin)
    rule = _rule(street, street_admin)
    client = _client(street_admin)
    response = client.post(f"/conference/documents/{rule.pk}/revise/", _revision(effective_on="2024-12-01"))
    assert response.status_code == 400 and "修订后的施行日期不能早于现行版本的施行日期" in response.content.decode()
    assert Document.objects.get(pk=rule.pk).version == 1 and DocumentVersion.objects.count() == 1
    response = client.post(f"/conference/documents/{rule.pk}/revise/", _revision(note=""))
    assert response.status_code == 400 and "请填写修订说明" in response.content.decode()
    response = client.post(f"/conference/documents/{rule.pk}/revise/", _revision())
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.version, rule.title, rule.number) == (2, "结对共建工作办法（修订）", "梅党工〔2025〕9号")
    assert list(rule.versions.values_list("version", "title")) == [(2, "结对共建工作办法（修订）"), (1, "结对共建工作办法")]
    page = client.get(f"/conference/documents/{rule.pk}/").content.decode()
    assert "第1版 · 结对共建工作办法" in page and "每季度开展活动" in page  # the old text is still there


def test_a_document_is_repealed_and_can_no_longer_be_revised(city, street_admin):
    street = street_conference(city, actor=street_admin)
    rule = _rule(street, street_admin)
    client = _client(street_admin)
    response = client.post(f"/conference/documents/{rule.pk}/status/", {"status": "in_force"})
    assert response.status_code == 400 and Document.objects.get(pk=rule.pk).status == "in_force"
    assert client.post(f"/conference/documents/{rule.pk}/status/", {"status": "repealed"}).status_code == 302
    assert Document.objects.get(pk=rule.pk).status == "repealed"
    page = client.get(f"/conference/documents/{rule.pk}/").content.decode()
    assert "已废止" in page and "revise-form" not in page and "document-status-form" not in page
    response = client.post(f"/conference/documents/{rule.pk}/revise/", _revision())
    assert response.status_code == 400 and "只有现行有效的文件可以修订" in response.content.decode()
    response = client.post(f"/conference/documents/{rule.pk}/status/", {"status": "superseded"})
    assert response.status_code == 400 and "已失效的文件不能恢复为现行有效" in response.content.decode()
    assert Document.objects.get(pk=rule.pk).status == "repealed" and rule.versions.count() == 1


def test_leaders_and_liaisons_read_the_library_and_are_refused_its_writes(city, street_admin, leader, liaison):
    street = street_conference(city, actor=street_admin)
    rule = _rule(street, street_admin)
    for user in (leader, liaison):
        client = _client(user)
        page = client.get(f"/conference/documents/{rule.pk}/").content.decode()
        assert "结对共建工作办法" in page and "revise-form" not in page
        assert "document-form" not in client.get(f"/conference/{street.conference.pk}/documents/").content.decode()
        assert client.post(f"/conference/documents/{rule.pk}/revise/", _revision()).status_code == 403
        assert client.post(f"/conference/documents/{rule.pk}/status/", {"status": "repealed"}).status_code == 403
        assert client.post(f"/conference/{street.conference.pk}/documents/new/", {
            "kind": "rule", "title": "越权", "issuer": "某", "effective_on": "2025-01-01", "text": "越权"}).status_code == 403
    rule.refresh_from_db()
    assert (rule.version, rule.status, Document.objects.count()) == (1, "in_force", 1)


def test_another_districts_library_is_not_there(city, district_admin, street_admin):
    other = qinhuai_conference(city)
    rule = _rule(other, _superuser(), title="夫子庙街道结对办法")
    for user in (district_admin, street_admin):
        client = _client(user)
        assert client.get(f"/conference/documents/{rule.pk}/").status_code == 404
        assert client.post(f"/conference/documents/{rule.pk}/revise/", _revision()).status_code == 404
        assert client.post(f"/conference/documents/{rule.pk}/status/", {"status": "repealed"}).status_code == 404
        assert client.post(f"/conference/{other.conference.pk}/documents/new/", {}).status_code == 404
    rule.refresh_from_db()
    assert (rule.version, rule.status) == (1, "in_force")


def _superuser():
    from dangjian.accounts.tests.factories import superuser

    return superuser()


def test_the_library_keeps_its_query_count(city, street_admin, django_assert_max_num_queries):
    street = street_conference(city, actor=street_admin)
    for index in range(5):
        rule = _rule(street, street_admin, title=f"制度{index}")
        services.document_revise(actor=street_admin, document=rule, title=f"制度{index}", text="新正文",
                                 effective_on=datetime.date(2025, 3, 1), note="修订")
    client = _client(street_admin)
    for url in (f"/conference/{street.conference.pk}/documents/", f"/conference/documents/{rule.pk}/"):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200


def test_every_versions_attachment_downloads_within_scope(city, street_admin, liaison, district_admin):
    street = street_conference(city, actor=street_admin)
    rule = services.document_create(actor=street_admin, conference=street.conference, kind="rule", title="办法",
                                    issuer="党工委", effective_on=START, text="正文", attachment=pdf("第一版.pdf"))
    services.document_revise(actor=street_admin, document=rule, title="办法", text="新正文", note="修订",
                             effective_on=datetime.date(2025, 3, 1), attachment=pdf("第二版.pdf", size=200))
    first, second = rule.versions.order_by("version")
    client = _client(liaison)  # a member unit's liaison reads the library
    assert "下载附件" in client.get(f"/conference/documents/{rule.pk}/").content.decode()
    for version, size in ((first, 100), (second, 200)):
        response = client.get(f"/conference/documents/versions/{version.pk}/attachment/")
        assert response.status_code == 200 and len(b"".join(response.streaming_content)) == size
    other = qinhuai_conference(city)
    theirs = services.document_create(actor=_superuser(), conference=other.conference, kind="rule", title="外区办法",
                                      issuer="党工委", effective_on=START, text="正文", attachment=pdf())
    assert _client(district_admin).get(
        f"/conference/documents/versions/{theirs.versions.get().pk}/attachment/").status_code == 404

"""Fifty concurrent edits of one member never lose an update silently (issue 10, part 7):
of the edits made on the same version exactly one is saved, every other is refused with the
conflict message, the member ends as the last saved edit left it, and the history holds one row
per saved edit. Runs on a file (SQLite) or the PostgreSQL test database, with real threads."""

import threading
from collections import Counter

import pytest
from django.db import connections

from dangjian.accounts import scoping
from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members import services
from dangjian.members.models import Member
from dangjian.members.tests.factories import member
from dangjian.members.tests.shared_database import shared_database  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

WAVES, EDITORS_PER_WAVE = 5, 10  # 50 editors; each wave reads one version, then all write at once


def test_fifty_concurrent_edits_of_one_member_never_lose_an_update(shared_database, city, superuser,  # noqa: F811
                                                                    street_admin):
    # given: one member, and an administrator whose grants are already loaded
    # a phone no editor writes: editor 0 writes 13900000000, and had it been the member's phone
    # already, its save (when it won the first wave) would change no field the losers are told of
    target = member(actor=superuser, organization=city.org(city.dahanggong), name="王建国", phone="13800000000")
    assert target.version == 1
    assert scoping.can_write(street_admin, target)
    outcomes, failures, lock = [], [], threading.Lock()

    def edit(number: int, read_together: threading.Barrier, write_together: threading.Barrier) -> None:
        try:
            read_together.wait(timeout=30)
            seen = Member.objects.get(pk=target.pk).version
            write_together.wait(timeout=30)
            phone = f"139{number:08d}"
            try:
                services.member_update(actor=street_admin, member=target, expected_version=seen, phone=phone)
            except services.MemberEditConflict as conflict:
                result = conflict.messages[0]
            else:
                result = "saved"
            with lock:
                outcomes.append((seen, result, phone))
        except BaseException as error:  # noqa: BLE001 - any other failure fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    # when: five waves of ten editors each read the member, then all save at the same moment
    for wave in range(WAVES):
        read_together, write_together = threading.Barrier(EDITORS_PER_WAVE), threading.Barrier(EDITORS_PER_WAVE)
        threads = [threading.Thread(target=edit, args=(wave * EDITORS_PER_WAVE + n, read_together, write_together))
                   for n in range(EDITORS_PER_WAVE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    # then: no editor met anything but success or the conflict
    assert failures == []
    assert len(outcomes) == WAVES * EDITORS_PER_WAVE
    saved = [(seen, phone) for seen, result, phone in outcomes if result == "saved"]
    refused = [result for _seen, result, _phone in outcomes if result != "saved"]
    # exactly one edit per version was saved; all the others were refused, saying what changed
    assert Counter(seen for seen, _phone in saved) == {version: 1 for version in range(1, WAVES + 1)}
    assert len(refused) == WAVES * (EDITORS_PER_WAVE - 1)
    assert all(message.startswith("保存失败：您打开页面之后，该党员的信息已被") and "联系电话" in message
               for message in refused)
    # the member is what the last saved edit wrote
    target.refresh_from_db()
    last_phone = max(saved)[1]
    assert (target.phone, target.version) == (last_phone, WAVES + 1)
    # and the history and the audit log hold one row per saved edit, no more
    edits = Member.history.filter(id=target.pk, history_type="~").order_by("version")
    assert [(row.version, row.phone) for row in edits] == [(seen + 1, phone) for seen, phone in sorted(saved)]
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(target.pk)).count() == WAVES

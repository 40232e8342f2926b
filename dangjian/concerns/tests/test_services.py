"""The concern services: each step succeeds through its service, and each refusal is a Chinese
message with nothing written (two refusals per success)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.accounts.models import AuditEntry
from dangjian.concerns import services
from dangjian.concerns.models import (
    Concern,
    ConcernCategory,
    ConcernChannel,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    Rating,
)
from dangjian.concerns.tests.factories import assigned, filed, resolved, taken_in
from dangjian.concerns.tracking import ALPHABET, LENGTH
from dangjian.members.tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _unchanged(concern):
    """The concern's row and timeline as they are now (to compare after a refusal)."""
    fresh = Concern.objects.get(pk=concern.pk)
    return (fresh.status, fresh.assigned_organization_id, fresh.assigned_unit_id, fresh.assigned_member_id,
            fresh.reply, fresh.rating, fresh.reopen_count, ConcernEvent.objects.filter(concern=concern).count())


def _refused(call, message, *, counts=None):
    before = (Concern.objects.count(), ConcernEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        call()
    assert message in " ".join(caught.value.messages), caught.value.messages
    assert (Concern.objects.count(), ConcernEvent.objects.count(), AuditEntry.objects.count()) == before


# ---------------------------------------------------------------- filing


def test_a_resident_files_a_concern_with_an_unguessable_code_and_a_deadline_by_category(city, settings):
    # when a resident files a medical concern without name or phone
    concern = filed(community=city.dahanggong, category=ConcernCategory.MEDICAL, description="社区卫生站周末不开门，老人看病不方便。")
    # then it is received, with a 12-character code from the unambiguous alphabet
    assert concern.status == ConcernStatus.RECEIVED and concern.channel == ConcernChannel.ONLINE
    assert len(concern.tracking_code) == LENGTH and set(concern.tracking_code) <= set(ALPHABET)
    days = settings.DANGJIAN_RULES["CONCERN_DEADLINE_DAYS"]["medical"]
    assert concern.deadline == timezone.localdate() + datetime.timedelta(days=days)
    event = concern.events.get()
    assert event.kind == EventKind.RECEIVED and event.public
    assert AuditEntry.objects.filter(object_type="concerns.Concern", object_id=str(concern.pk)).exists()
    # and another concern gets another code
    assert filed(community=city.dahanggong).tracking_code != concern.tracking_code


def test_filing_without_a_category_is_refused(city):
    _refused(lambda: filed(community=city.dahanggong, category=""), "请选择诉求类别")


def test_filing_with_an_empty_description_is_refused(city):
    _refused(lambda: filed(community=city.dahanggong, description="   "), "请写明您反映的问题")


def test_filing_in_an_area_that_is_not_a_community_is_refused(city):
    _refused(lambda: filed(community=city.meiyuan), "须为社区一级")


def test_filing_with_a_malformed_phone_is_refused(city):
    _refused(lambda: filed(community=city.dahanggong, resident_phone="12345"), "联系电话格式不正确")


def test_staff_take_in_a_phone_call_in_their_community(city, community_admin):
    concern = taken_in(actor=community_admin, community=city.dahanggong, resident_name="王阿姨",
                       resident_phone="139 1234 5678")
    assert concern.channel == ConcernChannel.PHONE and concern.created_by == community_admin
    assert concern.resident_phone == "13912345678" and concern.masked_phone == "139****5678"


def test_staff_cannot_take_in_a_concern_for_another_community(city, community_admin):
    _refused(lambda: taken_in(actor=community_admin, community=city.changjianglu), "不在您的管辖范围内")


def test_staff_intake_must_name_its_channel(city, community_admin):
    _refused(lambda: taken_in(actor=community_admin, community=city.dahanggong, channel="online"),
             "请选择诉求来源")


# ---------------------------------------------------------------- assigning


def test_the_community_assigns_a_concern_to_a_party_organization(city, community_admin):
    concern = filed(community=city.dahanggong)
    organization = city.org(city.dahanggong)
    concern = services.concern_assign(actor=community_admin, concern=concern, organization=organization,
                                      note="请三日内上门了解情况")
    assert concern.status == ConcernStatus.ASSIGNED and concern.assigned_organization == organization
    kinds = list(concern.events.values_list("kind", "public"))
    assert (EventKind.ASSIGNED, True) in kinds and (EventKind.NOTE, False) in kinds


def test_assigning_to_two_assignees_at_once_is_refused(city, community_admin):
    concern = filed(community=city.dahanggong)
    before = _unchanged(concern)
    _refused(lambda: services.concern_assign(actor=community_admin, concern=concern,
                                             organization=city.org(city.dahanggong),
                                             unit=city.unit(city.meiyuan)), "只能交办给一个承办对象")
    assert _unchanged(concern) == before


def test_assigning_twice_to_the_same_assignee_is_refused(city, community_admin):
    concern = assigned(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    _refused(lambda: services.concern_assign(actor=community_admin, concern=concern,
                                             organization=city.org(city.dahanggong)), "无需重复交办")


def test_assigning_outside_the_actors_scope_is_refused(city, community_admin):
    concern = filed(community=city.dahanggong)
    _refused(lambda: services.concern_assign(actor=community_admin, concern=concern,
                                             organization=city.org(city.fuzimiao)), "不在您的管辖范围内")


def test_assigning_with_nobody_chosen_is_refused(city, community_admin):
    concern = filed(community=city.dahanggong)
    _refused(lambda: services.concern_assign(actor=community_admin, concern=concern), "请选择承办")


def test_a_concern_may_be_handed_on_to_a_unit_or_a_member(city, community_admin, superuser):
    concern = assigned(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    concern = services.concern_assign(actor=community_admin, concern=concern, unit=city.unit(city.meiyuan))
    assert concern.assigned_unit == city.unit(city.meiyuan) and concern.assigned_organization is None
    volunteer = member(actor=superuser, organization=city.org(city.dahanggong), name="李志愿")
    concern = services.concern_assign(actor=community_admin, concern=concern, member=volunteer)
    assert concern.assigned_member == volunteer and concern.assigned_unit is None
    assert concern.public_assignee_label == "党员李**"


def test_another_communitys_administrator_cannot_touch_the_concern(city, community_admin):
    concern = filed(community=city.changjianglu)
    with pytest.raises(PermissionDenied):
        services.concern_assign(actor=community_admin, concern=concern, organization=city.org(city.dahanggong))


def test_a_leader_reads_but_cannot_assign(city, leader):
    concern = filed(community=city.dahanggong)
    with pytest.raises(PermissionDenied):
        services.concern_assign(actor=leader, concern=concern, organization=city.org(city.dahanggong))


# ---------------------------------------------------------------- notes and resolving


def test_the_assigned_organizations_administrator_notes_progress_and_resolves(city, district_admin, org_admin):
    # given 玄武区 hands a 华侨路社区 concern to its 社区党委, under the org admin's working committee
    concern = filed(community=city.areas["320102003001"])
    concern = services.concern_assign(actor=district_admin, concern=concern,
                                      organization=city.org(city.areas["320102003001"]))
    concern = services.concern_add_note(actor=org_admin, concern=concern, text="已联系物业公司")
    assert concern.status == ConcernStatus.IN_PROGRESS
    concern = services.concern_add_note(actor=org_admin, concern=concern, text="物业已安排维修", public=True)
    concern = services.concern_resolve(actor=org_admin, concern=concern, reply="路灯已修复，感谢您的反映。")
    assert concern.status == ConcernStatus.RESOLVED and concern.resolved_at is not None
    public = list(concern.events.filter(public=True).values_list("kind", flat=True))
    assert public == [EventKind.RECEIVED, EventKind.ASSIGNED, EventKind.REPLY, EventKind.RESOLVED]


def test_resolving_an_unassigned_concern_is_refused(city, community_admin):
    concern = filed(community=city.dahanggong)
    _refused(lambda: services.concern_resolve(actor=community_admin, concern=concern, reply="已处理"), "尚未交办")


def test_resolving_without_a_reply_is_refused(city, community_admin):
    concern = assigned(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    _refused(lambda: services.concern_resolve(actor=community_admin, concern=concern, reply=" "), "请填写给居民的答复")


def test_resolving_twice_is_refused(city, community_admin):
    concern = resolved(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    _refused(lambda: services.concern_resolve(actor=community_admin, concern=concern, reply="再次"), "无需重复办结")


def test_an_empty_note_is_refused(city, community_admin):
    concern = assigned(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    _refused(lambda: services.concern_add_note(actor=community_admin, concern=concern, text=""), "请填写办理情况")


def test_a_step_dated_in_the_future_is_refused(city, community_admin):
    concern = filed(community=city.dahanggong)
    later = timezone.now() + datetime.timedelta(days=1)
    _refused(lambda: services.concern_assign(actor=community_admin, concern=concern,
                                             organization=city.org(city.dahanggong), at=later), "不能晚于现在")


# ---------------------------------------------------------------- rating


def test_a_satisfied_rating_closes_the_concern(city, community_admin):
    concern = resolved(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    rated = services.concern_rate(tracking_code=concern.display_code.lower(), rating=Rating.SATISFIED)
    assert rated.status == ConcernStatus.EVALUATED and rated.rating == Rating.SATISFIED


def test_an_unsatisfied_rating_reopens_the_concern_with_a_fresh_deadline(city, community_admin):
    concern = resolved(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    rated = services.concern_rate(tracking_code=concern.tracking_code, rating=Rating.UNSATISFIED,
                                  comment="问题没有解决，路灯还是不亮")
    assert rated.status == ConcernStatus.IN_PROGRESS and rated.reopen_count == 1 and rated.resolved_at is None
    assert list(rated.events.order_by("-id").values_list("kind", flat=True)[:2]) == [EventKind.REOPENED,
                                                                                      EventKind.RATED]
    # and once resolved again it can be rated again
    again = services.concern_resolve(actor=community_admin, concern=rated, reply="已更换灯具")
    assert services.concern_rate(tracking_code=again.tracking_code, rating=Rating.FAIRLY_SATISFIED).status == (
        ConcernStatus.EVALUATED)


def test_rating_twice_is_refused(city, community_admin):
    concern = resolved(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    services.concern_rate(tracking_code=concern.tracking_code, rating=Rating.SATISFIED)
    _refused(lambda: services.concern_rate(tracking_code=concern.tracking_code, rating=Rating.SATISFIED), "已评价过")


def test_rating_before_resolution_is_refused(city, community_admin):
    concern = assigned(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    _refused(lambda: services.concern_rate(tracking_code=concern.tracking_code, rating=Rating.SATISFIED), "尚未办结")


def test_unsatisfied_without_a_reason_is_refused(city, community_admin):
    concern = resolved(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    _refused(lambda: services.concern_rate(tracking_code=concern.tracking_code, rating=Rating.UNSATISFIED),
             "请说明不满意的原因")


def test_rating_with_an_unknown_code_says_only_not_found(city):
    _refused(lambda: services.concern_rate(tracking_code="ABCD-EFGH-JKMN", rating=Rating.SATISFIED), "未找到")
    _refused(lambda: services.concern_rate(tracking_code="x", rating=Rating.SATISFIED), "未找到")


def test_the_database_refuses_two_assignees(city, community_admin):
    """The check constraint holds even for a write that skips the service."""
    from django.db import IntegrityError, transaction

    concern = assigned(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(assigned_unit=city.unit(city.meiyuan))

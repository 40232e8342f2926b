"""Reads of the portal's records: a member's own, and the back office's scoped lists."""

from django.db.models import QuerySet
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.members.models import FloatingDirection, FloatingRecord, Member, Transfer, TransferStatus
from dangjian.portal.models import ActivationCode, CorrectionRequest, CorrectionState, MemberAccount

# ---------------------------------------------------------------- the member's own


def my_corrections(member: Member) -> QuerySet:
    return CorrectionRequest.objects.filter(member=member)


def my_open_floating_record(member: Member) -> FloatingRecord | None:
    return FloatingRecord.objects.filter(member=member, direction=FloatingDirection.OUTFLOW,
                                         ended_on__isnull=True).first()


def my_transfer_in_progress(member: Member) -> Transfer | None:
    return (Transfer.objects.select_related("from_organization", "to_organization")
            .filter(member=member, status=TransferStatus.ISSUED).first())


# ---------------------------------------------------------------- the back office


def correction_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, CorrectionRequest.objects.all()).select_related(
        "member", "member__organization", "decided_by")


def correction_get_for(actor, pk) -> CorrectionRequest:
    try:
        return correction_list_for(actor).select_related("member__education", "member__residence_area").get(pk=pk)
    except (CorrectionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404("更正申请不存在。") from None


def pending_corrections_for(actor) -> QuerySet:
    return correction_list_for(actor).filter(state=CorrectionState.PENDING)


def account_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, MemberAccount.objects.all()).select_related(
        "user", "member", "member__organization")


def code_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, ActivationCode.objects.all()).select_related(
        "member", "member__organization", "issued_by")

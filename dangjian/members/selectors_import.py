"""Reads for the spreadsheet import pages: batches in the actor's scope, the organizations the
actor may import into, a remembered column mapping, and whether a batch can still be undone."""

from django.db.models import QuerySet
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.members.models import CareVisit, ColumnMapping, FloatingRecord, ImportBatch, Member, Transfer
from dangjian.organizations.models import OrganizationKind
from dangjian.organizations.selectors import organization_list_for


def import_batch_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, ImportBatch.objects.all()).select_related("organization", "uploaded_by")


def import_batch_get_for(actor, pk) -> ImportBatch:
    """The batch, or Http404 — also when it exists outside the actor's scope."""
    try:
        return import_batch_list_for(actor).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404("导入批次不存在。") from None


def import_target_organizations_for(actor) -> QuerySet:
    """Organizations the actor may register members in (as services._require_member_organization)."""
    organizations = organization_list_for(actor).filter(is_active=True).exclude(kind=OrganizationKind.PARTY_GROUP)
    return scoping.narrow(actor, organizations, write=True)


def remembered_columns(actor, headers_key: str) -> dict[str, int] | None:
    """The column mapping ``actor`` last confirmed for a file with these headers."""
    mapping = ColumnMapping.objects.filter(user=actor, headers_key=headers_key).values_list("mapping", flat=True)
    found = mapping.first()
    return {key: int(index) for key, index in found.items()} if found else None


def import_batch_undo_blocker(batch: ImportBatch) -> str | None:
    """Why the batch cannot be undone as a whole (None when it can).

    A batch is undone only while none of its members has changed since: the change history
    (django-simple-history) holds nothing but their creation, and no transfer, floating record or
    care visit refers to them."""
    if batch.state != ImportBatch.State.DONE:
        return "只有已完成的导入可以撤销。"
    return import_batch_members_changed(batch)


def import_batch_members_changed(batch: ImportBatch) -> str | None:
    """Why the batch's members can no longer be removed as a whole, whatever the batch's state
    (the undo task asks it again of a batch it is running); None while nothing changed."""
    members = Member.objects.filter(import_batch=batch)
    if members.count() != batch.imported_rows:
        return "本批次导入的党员人数已有变化，不能整批撤销。"
    ids = members.values("pk")
    # Only this batch's rows of the history: on SQLite a table rebuilt by a migration restarts its
    # ids after the highest one left, so an earlier, undone batch's '-' rows can carry the same ids.
    changes = Member.history.model.objects.filter(id__in=ids, import_batch_id=batch.pk).exclude(history_type="+")
    if changes.exists():
        return "本批次导入的党员中已有人的信息被修改过，不能整批撤销，请逐个处理。"
    for model in (Transfer, FloatingRecord, CareVisit):
        if model.objects.filter(member__in=ids).exists():
            return "本批次导入的党员中已有人办理了组织关系转接、流动登记或走访记录，不能整批撤销。"
    return None

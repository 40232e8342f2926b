"""Writes to the conference itself: founding it, its seats and their holders, and its charter
and rules library. Meetings and tasks are in ``services_meetings``, the three lists in
``services_lists``.

Every service is keyword-only and atomic, checks the actor may write to the conference's area
(PermissionDenied otherwise; a liaison reads the conference but never changes it), validates
with a Chinese ValidationError before writing anything, and writes one audit entry.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.accounts import audit, scoping
from dangjian.accounts.models import AuditAction
from dangjian.conference.attachments import check_attachment
from dangjian.conference.models import (
    ConferenceLevel,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    JointConference,
    Seat,
    SeatPost,
    SeatTerm,
)
from dangjian.organizations.models import Area, AreaLevel, Unit

CANNOT_WRITE = "您没有权限管理该联席会。"


def require_conference_write(actor, conference: JointConference) -> None:
    """The conference's area administrators (district or street office) change it; nobody else."""
    if not scoping.can_write(actor, conference.area):
        raise PermissionDenied(CANNOT_WRITE)


def clean_text(value, *, field: str, message: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > max_length:
        raise ValidationError({field: f"内容过长，请控制在{max_length}字以内。"})
    return text


def _audit(actor, obj, action=AuditAction.UPDATE, request=None, **detail):
    audit.record_change(actor=actor, action=action, obj=obj, request=request, **detail)


# ---------------------------------------------------------------- the conference


@transaction.atomic
def conference_create(*, actor, area: Area, name: str = "", established_on: datetime.date,
                      request=None) -> JointConference:
    """Found the joint conference of a district or a street (one per area)."""
    if not isinstance(area, Area) or area.level not in (AreaLevel.DISTRICT, AreaLevel.STREET):
        raise ValidationError({"area": "联席会只能设在区或街道一级。"})
    if not scoping.can_write(actor, area):
        raise PermissionDenied("您没有权限在该区域设立联席会。")
    if JointConference.objects.filter(area=area).exists():
        raise ValidationError({"area": f"{area.name}已设立社区党建联席会。"})
    conference = JointConference(area=area, level=ConferenceLevel(area.level), established_on=established_on,
                                 name=(name or "").strip() or f"{area.name}社区党建联席会")
    conference.full_clean()
    conference.save()
    _audit(actor, conference, AuditAction.CREATE, request)
    return conference


# ---------------------------------------------------------------- seats


def _check_unit(conference: JointConference, unit) -> None:
    if not isinstance(unit, Unit):
        raise ValidationError({"unit": "请选择成员单位。"})
    if not unit.area.path.startswith(conference.area.path):
        raise ValidationError({"unit": f"{unit.name}不在{conference.area.name}范围内，不能成为本联席会的成员单位。"})
    if not unit.is_operating:
        raise ValidationError({"unit": f"{unit.name}已不在正常经营，不能成为成员单位。"})


def _check_chair(conference: JointConference, post: str, *, except_seat: Seat | None = None) -> None:
    if post != SeatPost.CHAIR:
        return
    chairs = conference.seats.filter(post=SeatPost.CHAIR, left_on__isnull=True)
    if except_seat is not None:
        chairs = chairs.exclude(pk=except_seat.pk)
    chair = chairs.select_related("unit").first()
    if chair is not None:
        raise ValidationError({"post": f"本联席会已有会长（{chair.unit.name}），同一时间只能有一位会长。"})


def _holder(holder_name, holder_title) -> tuple[str, str]:
    name = clean_text(holder_name, field="holder_name", message="请填写席位的担任人。", max_length=40)
    title = (holder_title or "").strip()
    if len(title) > 60:
        raise ValidationError({"holder_title": "单位职务过长，请控制在60字以内。"})
    return name, title


@transaction.atomic
def seat_create(*, actor, conference: JointConference, unit: Unit, post: str, holder_name: str,
                holder_title: str = "", starts_on: datetime.date, term_ends_on: datetime.date | None = None,
                request=None) -> Seat:
    """Give a unit in the conference's area a seat with a post, and its first holder's term."""
    require_conference_write(actor, conference)
    if post not in SeatPost.values:
        raise ValidationError({"post": "请选择职务（会长、副会长、秘书长或成员）。"})
    _check_unit(conference, unit)
    if conference.seats.filter(unit=unit, left_on__isnull=True).exists():
        raise ValidationError({"unit": f"{unit.name}已在本联席会有席位。"})
    _check_chair(conference, post)
    name, title = _holder(holder_name, holder_title)
    if term_ends_on is not None and term_ends_on <= starts_on:
        raise ValidationError({"term_ends_on": "届满日期须晚于任期开始日期。"})
    seat = Seat(conference=conference, unit=unit, post=post, joined_on=starts_on)
    seat.full_clean()
    seat.save()
    term = SeatTerm(seat=seat, holder_name=name, holder_title=title, starts_on=starts_on, term_ends_on=term_ends_on)
    term.full_clean()
    term.save()
    _audit(actor, seat, AuditAction.CREATE, request, holder=name, post=post)
    return seat


def current_term(seat: Seat) -> SeatTerm | None:
    return seat.terms.filter(ends_on__isnull=True).first()


@transaction.atomic
def seat_handover(*, actor, seat: Seat, holder_name: str, holder_title: str = "", on_date: datetime.date,
                  term_ends_on: datetime.date | None = None, request=None) -> SeatTerm:
    """The seat passes to a new holder on ``on_date``: the current term ends that day and the
    next begins; every earlier term is kept."""
    seat = Seat.objects.select_for_update().select_related("conference__area").get(pk=seat.pk)
    require_conference_write(actor, seat.conference)
    if not seat.is_active:
        raise ValidationError("该席位已撤销，不能交接。")
    name, title = _holder(holder_name, holder_title)
    term = current_term(seat)
    if term is not None:
        if on_date <= term.starts_on:
            raise ValidationError({"on_date": f"交接日期须晚于现任（{term.holder_name}）任期开始的日期"
                                              f"{term.starts_on:%Y-%m-%d}。"})
        if term.holder_name == name:
            raise ValidationError({"holder_name": f"{name}已是该席位的现任担任人。"})
        term.ends_on = on_date
        term.save(update_fields=["ends_on"])
    if term_ends_on is not None and term_ends_on <= on_date:
        raise ValidationError({"term_ends_on": "届满日期须晚于任期开始日期。"})
    new_term = SeatTerm(seat=seat, holder_name=name, holder_title=title, starts_on=on_date, term_ends_on=term_ends_on)
    new_term.full_clean()
    new_term.save()
    _audit(actor, seat, AuditAction.UPDATE, request, event="handover", holder=name,
           previous=term.holder_name if term else "")
    return new_term


@transaction.atomic
def seat_change_post(*, actor, seat: Seat, post: str, request=None) -> Seat:
    seat = Seat.objects.select_for_update().select_related("conference__area").get(pk=seat.pk)
    require_conference_write(actor, seat.conference)
    if post not in SeatPost.values:
        raise ValidationError({"post": "请选择职务（会长、副会长、秘书长或成员）。"})
    _check_chair(seat.conference, post, except_seat=seat)
    previous, seat.post = seat.post, post
    seat.save(update_fields=["post"])
    _audit(actor, seat, AuditAction.UPDATE, request, post=post, previous=previous)
    return seat


@transaction.atomic
def seat_leave(*, actor, seat: Seat, on_date: datetime.date, request=None) -> Seat:
    """The unit leaves the conference; the seat and its history stay (open tasks stay too)."""
    seat = Seat.objects.select_for_update().select_related("conference__area").get(pk=seat.pk)
    require_conference_write(actor, seat.conference)
    if not seat.is_active:
        raise ValidationError("该席位已撤销。")
    if on_date < seat.joined_on:
        raise ValidationError({"on_date": "退出日期不能早于加入日期。"})
    seat.left_on = on_date
    seat.save(update_fields=["left_on"])
    seat.terms.filter(ends_on__isnull=True).update(ends_on=on_date)
    _audit(actor, seat, AuditAction.UPDATE, request, event="left")
    return seat


# ---------------------------------------------------------------- documents


def _document_fields(*, kind, title, issuer, number, effective_on, text) -> dict:
    errors = {}
    if kind not in DocumentKind.values:
        errors["kind"] = "请选择文件类别（章程、意见、制度办法或工作计划）。"
    for field, value, label, limit in (("title", title, "标题", 120), ("issuer", issuer, "发文单位", 80),
                                       ("text", text, "正文", 50000)):
        stripped = (value or "").strip()
        if not stripped:
            errors[field] = f"请填写{label}。"
        elif len(stripped) > limit:
            errors[field] = f"{label}过长，请控制在{limit}字以内。"
    if len((number or "").strip()) > 40:
        errors["number"] = "文号过长。"
    if not isinstance(effective_on, datetime.date):
        errors["effective_on"] = "请填写施行日期。"
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title.strip(), "issuer": issuer.strip(), "number": (number or "").strip(),
            "effective_on": effective_on, "text": text.strip()}


def _frequencies(kind, plenary_per_year, research_per_year) -> dict:
    if kind != DocumentKind.CHARTER:
        return {"plenary_per_year": None, "research_per_year": None}
    rules = settings.DANGJIAN_RULES
    values = {"plenary_per_year": rules["CONFERENCE_PLENARY_PER_YEAR"] if plenary_per_year is None else plenary_per_year,
              "research_per_year": rules["CONFERENCE_RESEARCH_PER_YEAR"] if research_per_year is None
              else research_per_year}
    for field, value in values.items():
        if not 0 <= int(value) <= 52:
            raise ValidationError({field: "每年会议次数须在0到52之间。"})
    return values


@transaction.atomic
def document_create(*, actor, conference: JointConference, kind: str, title: str, issuer: str, number: str = "",
                    effective_on: datetime.date, text: str, attachment=None, plenary_per_year: int | None = None,
                    research_per_year: int | None = None, request=None) -> Document:
    """Add a charter, opinion, rule or plan to the library (its first version). A new charter in
    force supersedes the previous one: a conference has one charter at a time."""
    require_conference_write(actor, conference)
    fields = _document_fields(kind=kind, title=title, issuer=issuer, number=number, effective_on=effective_on,
                              text=text)
    check_attachment(attachment)
    document = Document(conference=conference, **fields, **_frequencies(kind, plenary_per_year, research_per_year))
    if attachment:
        document.attachment = attachment
    document.full_clean()
    if kind == DocumentKind.CHARTER:
        conference.documents.filter(kind=DocumentKind.CHARTER, status=DocumentStatus.IN_FORCE).update(
            status=DocumentStatus.SUPERSEDED)
    document.save()
    DocumentVersion.objects.create(document=document, version=1, title=document.title, text=document.text,
                                   effective_on=document.effective_on, attachment=document.attachment,
                                   note="首次登记", created_by=actor if actor.is_authenticated else None)
    _audit(actor, document, AuditAction.CREATE, request, kind=kind)
    return document


@transaction.atomic
def document_revise(*, actor, document: Document, title: str, text: str, effective_on: datetime.date,
                    note: str, attachment=None, number: str | None = None, request=None) -> Document:
    """A new version of a document in force; the previous version is kept as it was."""
    document = Document.objects.select_for_update().select_related("conference__area").get(pk=document.pk)
    require_conference_write(actor, document.conference)
    if document.status != DocumentStatus.IN_FORCE:
        raise ValidationError("只有现行有效的文件可以修订。")
    fields = _document_fields(kind=document.kind, title=title, issuer=document.issuer,
                              number=document.number if number is None else number, effective_on=effective_on,
                              text=text)
    note = clean_text(note, field="note", message="请填写修订说明。", max_length=200)
    if effective_on < document.effective_on:
        raise ValidationError({"effective_on": "修订后的施行日期不能早于现行版本的施行日期。"})
    check_attachment(attachment)
    document.title, document.text, document.effective_on = fields["title"], fields["text"], effective_on
    document.number = fields["number"]
    document.version += 1
    if attachment:
        document.attachment = attachment
    document.full_clean()
    document.save()
    DocumentVersion.objects.create(document=document, version=document.version, title=document.title,
                                   text=document.text, effective_on=effective_on, attachment=document.attachment,
                                   note=note, created_by=actor if actor.is_authenticated else None)
    _audit(actor, document, AuditAction.UPDATE, request, version=document.version)
    return document


@transaction.atomic
def document_set_status(*, actor, document: Document, status: str, request=None) -> Document:
    """Mark a document superseded or repealed (kept in the library, no longer in force)."""
    document = Document.objects.select_for_update().select_related("conference__area").get(pk=document.pk)
    require_conference_write(actor, document.conference)
    if status not in DocumentStatus.values:
        raise ValidationError({"status": "请选择文件状态。"})
    if status == document.status:
        raise ValidationError({"status": f"该文件已是“{document.get_status_display()}”状态。"})
    if document.status != DocumentStatus.IN_FORCE:
        raise ValidationError({"status": "已失效的文件不能恢复为现行有效，请登记新文件。"})
    document.status = status
    document.save(update_fields=["status"])
    _audit(actor, document, AuditAction.UPDATE, request, status=status)
    return document

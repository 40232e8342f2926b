"""/api/v1/conferences: the seats (a unit's place, its post, who holds it and the handovers,
leaving) and the charter and rules library (register, revise — every version kept — and mark
superseded or repealed). Documents are sent as forms (multipart) so an attachment can come
with them. Same conventions as ``api``."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.conference import selectors, services
from dangjian.conference.api_schemas import (
    ConferenceDetailOut,
    DocumentDetailOut,
    DocumentIn,
    DocumentOut,
    DocumentReviseIn,
    DocumentStatusIn,
    HandoverIn,
    SeatIn,
    SeatLeaveIn,
    SeatPostIn,
)
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.organizations.models import Unit

router = Router(tags=["社区党建联席会"])
MAX_PAGE = 200


def conference_detail_of(actor, conference_id) -> dict:
    conference = selectors.conference_get_for(actor, conference_id)
    plenary, research = selectors.meetings_per_year(conference)
    return {"id": conference.pk, "name": conference.name, "level": conference.level,
            "area": {"id": conference.area_id, "name": conference.area.name},
            "established_on": conference.established_on, "seats": selectors.seats_of(conference),
            "plenary_per_year": plenary, "research_per_year": research}


# ---------------------------------------------------------------- seats


@router.post("/{int:conference_id}/seats", response={201: ConferenceDetailOut}, summary="增加席位（成员单位、职务、首任担任人）")
def seat_create(request: HttpRequest, conference_id: int, data: SeatIn):
    actor = request.auth
    conference = selectors.conference_get_for(actor, conference_id)
    unit = scoping.narrow(actor, Unit.objects.select_related("area")).filter(pk=data.unit).first()
    if unit is None:
        services.require_conference_write(actor, conference)  # a read-only caller hears 403 first
        raise ValidationError({"unit": "该单位不存在或不在您的管辖范围内。"})
    services.seat_create(actor=actor, conference=conference, unit=unit, post=data.post, holder_name=data.holder_name,
                         holder_title=data.holder_title, starts_on=data.starts_on, term_ends_on=data.term_ends_on,
                         request=request)
    return Status(201, conference_detail_of(actor, conference.pk))


@router.post("/seats/{int:seat_id}/handover", response=ConferenceDetailOut, summary="席位交接（原任职记录保留）")
def seat_handover(request: HttpRequest, seat_id: int, data: HandoverIn):
    actor = request.auth
    seat = selectors.seat_get_for(actor, seat_id)
    services.seat_handover(actor=actor, seat=seat, holder_name=data.holder_name, holder_title=data.holder_title,
                           on_date=data.on_date, term_ends_on=data.term_ends_on, request=request)
    return conference_detail_of(actor, seat.conference_id)


@router.post("/seats/{int:seat_id}/post", response=ConferenceDetailOut, summary="调整席位职务（同一时间只有一位会长）")
def seat_post(request: HttpRequest, seat_id: int, data: SeatPostIn):
    actor = request.auth
    seat = selectors.seat_get_for(actor, seat_id)
    services.seat_change_post(actor=actor, seat=seat, post=data.post, request=request)
    return conference_detail_of(actor, seat.conference_id)


@router.post("/seats/{int:seat_id}/leave", response=ConferenceDetailOut, summary="成员单位退出（席位与历史保留）")
def seat_leave(request: HttpRequest, seat_id: int, data: SeatLeaveIn):
    actor = request.auth
    seat = selectors.seat_get_for(actor, seat_id)
    services.seat_leave(actor=actor, seat=seat, on_date=data.on_date, request=request)
    return conference_detail_of(actor, seat.conference_id)


# ---------------------------------------------------------------- library


@router.get("/{int:conference_id}/documents", response=list[DocumentOut], summary="章程制度文库（全文检索）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def document_list(request: HttpRequest, conference_id: int, q: str = "", kind: str = "", status: str = ""):
    conference = selectors.conference_get_for(request.auth, conference_id)
    return selectors.document_search(selectors.document_list_for(request.auth).filter(conference=conference),
                                     q=q, kind=kind, status=status)


@router.post("/{int:conference_id}/documents", response={201: DocumentDetailOut},
             summary="登记文件（表单提交，可带附件：PDF、DOCX、PNG、JPG；新章程自动替代原章程）")
def document_create(request: HttpRequest, conference_id: int, data: Form[DocumentIn],
                    attachment: File[UploadedFile] = None):
    actor = request.auth
    conference = selectors.conference_get_for(actor, conference_id)
    document = services.document_create(
        actor=actor, conference=conference, kind=data.kind, title=data.title, issuer=data.issuer, number=data.number,
        effective_on=data.effective_on, text=data.text, attachment=attachment,
        plenary_per_year=data.plenary_per_year, research_per_year=data.research_per_year, request=request)
    return Status(201, selectors.document_get_for(actor, document.pk))


@router.get("/documents/{int:document_id}", response=DocumentDetailOut, summary="文件详情与各版本")
def document_detail(request: HttpRequest, document_id: int):
    return selectors.document_get_for(request.auth, document_id)


@router.post("/documents/{int:document_id}/revise", response=DocumentDetailOut,
             summary="修订文件：登记新版本，原版本保留（表单提交，可带新附件）")
def document_revise(request: HttpRequest, document_id: int, data: Form[DocumentReviseIn],
                    attachment: File[UploadedFile] = None):
    actor = request.auth
    document = selectors.document_get_for(actor, document_id)
    services.document_revise(actor=actor, document=document, title=data.title, text=data.text,
                             effective_on=data.effective_on, note=data.note, attachment=attachment,
                             number=data.number, request=request)
    return selectors.document_get_for(actor, document_id)


@router.post("/documents/{int:document_id}/status", response=DocumentDetailOut,
             summary="文件改为已被替代或已废止（不能恢复为现行有效）")
def document_status(request: HttpRequest, document_id: int, data: DocumentStatusIn):
    actor = request.auth
    document = selectors.document_get_for(actor, document_id)
    services.document_set_status(actor=actor, document=document, status=data.status, request=request)
    return selectors.document_get_for(actor, document_id)

"""Member pages beyond the roster's CRUD: one page per lifecycle step, the transfer and
floating boards, the care lists, visit reminders and the visiting cadence.

Every page is thin (STYLE.md habit 5): look the object up through a selector (outside the
actor's scope: 404), check that the actor may write to it (otherwise 403, for read-only
leaders too), call one service, and put the service's Chinese ValidationError back on the
form. Services are atomic, so a refused step writes nothing.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.core.form_errors import put_service_errors_on
from dangjian.members import care, forms, selectors, services
from dangjian.members.models import (
    CareGroup,
    CareVisit,
    FloatingDirection,
    Member,
    Standing,
    TransferStatus,
)
from dangjian.organizations.models import Area, AreaLevel, PartyOrganization

PAGE_SIZE = 50
# Reminders are worked out member by member (care.visits_due); past this many members in view
# (a district, the city) the page asks for a street or a community first; a street of the
# reference city (~6,000 members) renders in ~0.3 s on SQLite.
VISITS_DUE_MAX_MEMBERS = 20_000
# The transfer board lists at most this many letters in transit each way.
BOARD_LIMIT = 200


# ---------------------------------------------------------------- plumbing


def role_required(view):
    """Signed in (else the admin login) and holding a role (else 404: nothing to see here)."""

    @staff_member_required(login_url="admin:login")
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scoping.has_any_role(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template: str, context: dict):
    return render(request, template, {**admin.site.each_context(request), **context})


def _require_write(actor, *objects) -> None:
    """403 unless the actor may change one of ``objects`` (read-only leaders never may)."""
    if not any(obj is not None and scoping.can_write(actor, obj) for obj in objects):
        raise PermissionDenied("您没有权限办理此项业务。")


def _step(request, *, form, call: Callable[[dict], object], done: str, next_url: str, template: str,
          context: dict):
    """Run a lifecycle step: on a valid POST call the service, then go to ``next_url``."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done)
            return redirect(next_url)
    return _render(request, template, {**context, "form": form})


def _form(request, form_class, **kwargs):
    data = request.POST if request.method == "POST" else None
    return form_class(data, actor=request.user, **kwargs)


def _member_url(member) -> str:
    return reverse("admin:members_member_change", args=[member.pk])


def _writable_member(request, member_id) -> Member:
    member = selectors.member_get_for(request.user, member_id)
    _require_write(request.user, member)
    return member


def _member_step(request, member_id, *, form_class, title: str, call, done: str, intro: str = "", **form_kwargs):
    member = _writable_member(request, member_id)
    form = _form(request, form_class, **form_kwargs)
    return _step(request, form=form, call=lambda data: call(member, data), done=done.format(name=member.name),
                 next_url=_member_url(member), template="members/step_form.html",
                 context={"title": title, "member": member, "intro": intro, "back_url": _member_url(member)})


# ---------------------------------------------------------------- member lifecycle


@role_required
def member_make_full(request, member_id):
    return _member_step(
        request, member_id, form_class=forms.MakeFullForm, title="预备党员转正",
        intro="预备期满，经支部大会讨论通过并报上级党组织审批后登记转正。",
        done="{name}已转为正式党员。",
        call=lambda member, data: services.member_make_full(
            actor=request.user, member=member, full_member_on=data["full_member_on"], request=request),
    )


@role_required
def member_transfer_issue(request, member_id):
    member = _writable_member(request, member_id)
    form = _form(request, forms.TransferIssueForm, member=member)

    def call(data):
        services.member_transfer_issue(
            actor=request.user, member=member, letter_number=data["letter_number"], issued_on=data["issued_on"],
            to_organization=data.get("to_organization"), to_outside=data.get("to_outside", ""),
            valid_days=data.get("valid_days"), reason=data.get("reason", ""), request=request)

    return _step(request, form=form, call=call, done=f"已为{member.name}开具组织关系介绍信，等待接收方办理。",
                 next_url=_member_url(member), template="members/step_form.html",
                 context={"title": "开具组织关系介绍信", "member": member, "back_url": _member_url(member),
                          "intro": f"{member.name}现在{member.organization.name}。介绍信在有效期内由接收方办理接收；"
                                   "转往系统外的，对方回执后在此登记接收。"})


@role_required
def member_float_out(request, member_id):
    return _member_step(
        request, member_id, form_class=forms.FloatOutForm, title="登记流出",
        intro="党员外出务工、经商或居住，组织关系不转移的，登记为流出党员，由本支部保持联系。",
        done="已登记{name}外出流动。",
        call=lambda member, data: services.member_float_out(
            actor=request.user, member=member, place=data["place"], started_on=data["started_on"],
            reason=data["reason"], card_number=data["card_number"], contact=data["contact"], request=request),
    )


@role_required
def member_mark_lost_contact(request, member_id):
    return _member_step(
        request, member_id, form_class=forms.LostContactForm, title="登记失联",
        intro="经多方查找仍无法取得联系的，登记为失联党员。登记失联不改变其党籍，请继续查找。",
        done="已登记{name}失联。",
        call=lambda member, data: services.member_mark_lost_contact(
            actor=request.user, member=member, since=data["since"], request=request),
    )


@role_required
def member_restore_contact(request, member_id):
    return _member_step(
        request, member_id, form_class=forms.RestoreContactForm, title="恢复联系",
        done="已恢复与{name}的联系。",
        call=lambda member, data: services.member_restore_contact(
            actor=request.user, member=member, restored_on=data["restored_on"], request=request),
    )


@role_required
def member_close(request, member_id):
    return _member_step(
        request, member_id, form_class=forms.CloseForm, title="出党或去世登记",
        intro="党员去世、被除名、开除党籍或退党的，在此登记。记录保留在名册历史中，不会删除。",
        done="已登记：{name}不再在册。",
        call=lambda member, data: services.member_close(
            actor=request.user, member=member, standing=data["standing"], left_on=data["left_on"],
            reason=data["reason"], request=request),
    )


@role_required
def member_care_visit(request, member_id):
    return _member_step(
        request, member_id, form_class=forms.CareVisitForm, title="登记走访慰问",
        done="已登记对{name}的走访。",
        call=lambda member, data: services.care_visit_record(
            actor=request.user, member=member, visited_on=data["visited_on"], visitor=data["visitor"],
            findings=data["findings"], help_kinds=data["help_kinds"], amount=data["amount"],
            help_detail=data["help_detail"], request=request),
    )


# ---------------------------------------------------------------- transfers


def _writable_organizations(actor):
    return scoping.narrow(actor, PartyOrganization.objects.all(), write=True)


@role_required
def transfer_board(request):
    """待接收 (letters in transit to my organizations), 已转出在途, and the latest closed letters."""
    actor = request.user
    letters = selectors.transfer_list_for(actor).select_related("member__organization")
    in_transit = letters.filter(status=TransferStatus.ISSUED)
    mine = _writable_organizations(actor) if scoping.may_write_anything(actor) else scoping.narrow(
        actor, PartyOrganization.objects.all())
    incoming = in_transit.filter(to_organization__in=mine.values("pk"))
    outgoing = in_transit.exclude(pk__in=incoming.values("pk"))
    closed = letters.exclude(status=TransferStatus.ISSUED)[:30]
    return _render(request, "members/transfer_board.html", {
        "title": "组织关系转接", "incoming": list(incoming[:BOARD_LIMIT]), "outgoing": list(outgoing[:BOARD_LIMIT]),
        "closed": list(closed), "board_limit": BOARD_LIMIT,
        "today": timezone.localdate(), "may_write": scoping.may_write_anything(actor),
    })


def _transfer_step(request, transfer_id, *, form_class, title, call, done, writers):
    transfer = selectors.transfer_list_for(request.user).filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404("介绍信不存在。")
    _require_write(request.user, *writers(transfer))
    form = _form(request, form_class)
    return _step(request, form=form, call=lambda data: call(transfer, data), done=done,
                 next_url=reverse("members:transfers"), template="members/step_form.html",
                 context={"title": title, "transfer": transfer, "member": transfer.member,
                          "back_url": reverse("members:transfers")})


@role_required
def transfer_receive(request, transfer_id):
    return _transfer_step(
        request, transfer_id, form_class=forms.TransferReceiveForm, title="接收组织关系", done="已接收组织关系。",
        writers=lambda t: [t.to_organization] if t.to_organization_id else [t.member],
        call=lambda transfer, data: services.member_transfer_receive(
            actor=request.user, transfer=transfer, received_on=data["received_on"], request=request),
    )


@role_required
def transfer_return(request, transfer_id):
    return _transfer_step(
        request, transfer_id, form_class=forms.TransferReturnForm, title="退回介绍信",
        done="介绍信已退回，党员的组织关系不变。",
        writers=lambda t: [t.member, t.to_organization],
        call=lambda transfer, data: services.member_transfer_return(
            actor=request.user, transfer=transfer, returned_on=data["returned_on"], note=data["note"],
            request=request),
    )


@role_required
def transfer_in_from_outside(request):
    """接收系统外转入: register the member and keep the letter, in one service call."""
    if not scoping.may_write_anything(request.user):
        raise PermissionDenied("您没有权限接收转入党员。")
    form = _form(request, forms.TransferInFromOutsideForm)

    def call(data):
        services.member_transfer_in_from_outside(
            actor=request.user, organization=data["organization"], from_outside=data["from_outside"],
            letter_number=data["letter_number"], issued_on=data["issued_on"], received_on=data["received_on"],
            valid_days=data["valid_days"], reason=data["reason"], request=request, **form.member_fields())

    return _step(request, form=form, call=call, done="已接收系统外转入的党员。", next_url=reverse("members:transfers"),
                 template="members/step_form.html",
                 context={"title": "接收系统外转入", "back_url": reverse("members:transfers"),
                          "intro": "党员持本系统以外党组织开具的介绍信转入时，在此登记党员信息和介绍信。"
                                   "系统内党员的转入由转出党组织开具介绍信，在“待接收”中办理。"})


# ---------------------------------------------------------------- floating members


@role_required
def floating_in(request):
    if not scoping.may_write_anything(request.user):
        raise PermissionDenied("您没有权限登记流入党员。")
    form = _form(request, forms.FloatInForm)

    def call(data):
        member = None
        if data["source"] == "inside":
            member = _member_by_id_and_name(data["id_number"], data["outside_name"])
        services.member_float_in(
            actor=request.user, host_organization=data["host_organization"], origin=data["origin"],
            started_on=data["started_on"], member=member,
            outside_name="" if member else data["outside_name"],
            outside_organization="" if member else data["outside_organization"], reason=data["reason"],
            card_number=data["card_number"], contact=data["contact"], request=request)

    return _step(request, form=form, call=call, done="已登记流入党员。",
                 next_url=f"{reverse('members:care')}?group=floating_in", template="members/step_form.html",
                 context={"title": "登记流入党员", "back_url": f"{reverse('members:care')}?group=floating_in",
                          "intro": "外地党员来本地工作、居住，组织关系不在本地的，由流入地党组织登记管理。"})


def _member_by_id_and_name(id_number: str, name: str) -> Member:
    """An in-system member found by full ID number (blind index) and exact name, wherever they
    are registered. Both must match, so the answer reveals nothing the person's papers do not."""
    if not (id_number or "").strip() or not (name or "").strip():
        raise ValidationError({"id_number": "请填写完整的身份证号码和姓名。"})
    try:
        found = selectors.member_by_id_number_and_name(id_number, name)
    except ValidationError as error:  # a malformed number: say so on the ID field
        raise ValidationError({"id_number": error.messages}) from None
    if found is None:
        raise ValidationError({"id_number": "系统内未找到身份证号码与姓名一致的在册党员；如为系统外党员，请选择“系统外党员”。"})
    return found


def _floating_step(request, record_id, *, form_class, title, call, done):
    record = selectors.floating_list_for(request.user).filter(pk=record_id).first()
    if record is None:
        raise Http404("流动党员登记不存在。")
    _require_write(request.user, record)
    group = "floating_out" if record.direction == FloatingDirection.OUTFLOW else "floating_in"
    back = f"{reverse('members:care')}?group={group}"
    return _step(request, form=_form(request, form_class), call=lambda data: call(record, data), done=done,
                 next_url=back, template="members/step_form.html",
                 context={"title": title, "record": record, "member": record.member, "back_url": back})


@role_required
def floating_end(request, record_id):
    return _floating_step(
        request, record_id, form_class=forms.FloatingEndForm, title="结束流动", done="流动登记已结束。",
        call=lambda record, data: services.floating_end(
            actor=request.user, record=record, ended_on=data["ended_on"], request=request),
    )


@role_required
def floating_contact(request, record_id):
    return _floating_step(
        request, record_id, form_class=forms.FloatingContactForm, title="登记联系", done="已登记联系情况。",
        call=lambda record, data: services.floating_record_contact(
            actor=request.user, record=record, contacted_on=data["contacted_on"], contact=data["contact"],
            place=data["place"], request=request),
    )


# ---------------------------------------------------------------- care lists


CARE_TABS = [
    ("off_post", "离岗党员"), ("floating_out", "流出党员"), ("floating_in", "流入党员"),
    ("lost_contact", "失联党员"), ("difficulty", "困难党员"),
]


def _focus(request, *, levels=(AreaLevel.STREET, AreaLevel.COMMUNITY)):
    """The community (or street) chosen with ``?area=``: 404 outside the actor's scope."""
    areas = scoping.narrow(request.user, Area.objects.all()).filter(level__in=levels).order_by("path")
    chosen = request.GET.get("area")
    focus = None
    if chosen:
        focus = areas.filter(pk=chosen).first() if chosen.isdigit() else None
        if focus is None:
            raise Http404("区域不存在。")
    return focus, areas


def _members_in(request, focus):
    members = selectors.member_list_for(request.user)
    if focus is not None:
        members = members.filter(organization__area__path__startswith=focus.path)
    return members


def _page_of(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@role_required
def care_lists(request):
    """关爱台账: the seed's care groups for a community, each with its last visit or contact."""
    focus, areas = _focus(request)
    group = request.GET.get("group") if request.GET.get("group") in dict(CARE_TABS) else "off_post"
    today = timezone.localdate()
    if group in ("floating_out", "floating_in"):
        records = selectors.floating_list_for(request.user).filter(ended_on__isnull=True)
        if group == "floating_out":
            records = records.filter(direction=FloatingDirection.OUTFLOW, member__standing=Standing.ACTIVE)
            anchor = "member__organization__area__path__startswith"
        else:
            # 流入党员 are those our organizations host, not our own members hosted elsewhere.
            hosts = scoping.narrow(request.user, PartyOrganization.objects.all()).values("pk")
            records = records.filter(direction=FloatingDirection.INFLOW, host_organization__in=hosts)
            anchor = "host_organization__area__path__startswith"
        if focus is not None:
            records = records.filter(**{anchor: focus.path})
        rows = records.order_by("last_contact_on", "pk")
    else:
        # A correlated lookup on (member, -visited_on) for the rows shown, not a GROUP BY over the scope.
        last_visit = CareVisit.objects.filter(member=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
        members = _members_in(request, focus).annotate(last_visit_on=Subquery(last_visit))
        selector_group = {"off_post": "off_post", "lost_contact": "lost_contact", "difficulty": "difficulty"}[group]
        rows = selectors.member_filter(members, care_group=selector_group)
        rows = rows.order_by("lost_contact_since", "pk") if group == "lost_contact" else rows.order_by(
            "name_pinyin", "pk")
    return _render(request, "members/care_lists.html", {
        "title": "关爱台账", "tabs": CARE_TABS, "group": group, "page": _page_of(request, rows),
        "focus": focus, "areas": areas, "today": today, "may_write": scoping.may_write_anything(request.user),
        "no_contact_months": _settings_months("FLOATING_NO_CONTACT_MONTHS"),
    })


def _settings_months(key: str) -> int:
    from django.conf import settings

    return settings.DANGJIAN_RULES[key]


@role_required
def visits_due(request):
    """走访提醒: care-group members due or overdue for a visit, most overdue first (MEM-08)."""
    focus, areas = _focus(request)
    today = timezone.localdate()
    # Over a district or the city the list is a report, not a reminder: ask for a street or community.
    members = _members_in(request, focus)
    needs_focus = members.order_by().values("pk")[: VISITS_DUE_MAX_MEMBERS + 1].count() > VISITS_DUE_MAX_MEMBERS
    due = [] if needs_focus else care.visits_due(members, on_date=today)
    page = _page_of(request, due)
    page.object_list = [{"item": item, "overdue_days": (today - item.due_on).days} for item in page]
    return _render(request, "members/visits_due.html", {
        "title": "走访提醒", "page": page, "focus": focus, "areas": areas, "needs_focus": needs_focus,
        "today": today, "may_write": scoping.may_write_anything(request.user),
    })


@role_required
def care_cadence(request):
    """A community sets how often it visits each care group (MEM-08)."""
    focus, areas = _focus(request, levels=(AreaLevel.COMMUNITY,))
    if focus is None and areas.count() == 1:
        focus = areas.first()
    current, form = {}, None
    may_write = focus is not None and scoping.can_write(request.user, focus)
    if focus is not None:
        current = {row["group"]: row["every_months"] for row in care.cadence_table(focus)}
        if request.method == "POST":
            _require_write(request.user, focus)
        form = forms.CareCadenceForm(request.POST if request.method == "POST" else None, current=current)
        if request.method == "POST" and form.is_valid():
            try:
                for group, months in form.cleaned_data.items():
                    if months != current[group]:
                        services.care_cadence_set(actor=request.user, area=focus, group=group, every_months=months,
                                                  request=request)
            except (ValidationError, PermissionDenied) as error:
                put_service_errors_on(form, error)
            else:
                messages.success(request, f"已保存{focus.name}的走访周期。")
                return redirect(f"{reverse('members:care_cadence')}?area={focus.pk}")
    elif request.method == "POST":
        raise PermissionDenied("请先选择社区。")
    return _render(request, "members/care_cadence.html", {
        "title": "走访周期", "focus": focus, "areas": areas, "form": form, "may_write": may_write,
        "groups": [(group.value, group.label, current.get(group.value)) for group in CareGroup],
    })


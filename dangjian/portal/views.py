"""The member portal at /m/: server-rendered pages for phones.

Each page is thin: find the signed-in member (anyone else: the sign-in page, or 404 for a
back-office user), read through selectors, write through one service, and put the service's
Chinese ValidationError back on the form. Readable without JavaScript.
"""


from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dangjian.core.form_errors import put_service_errors_on
from dangjian.notices import selectors as notice_selectors
from dangjian.notices import services as notice_services
from dangjian.portal import cards, forms, selectors, services
from dangjian.portal.access import member_required
from dangjian.portal.profile import profile_of

NOTICES_PER_PAGE = 30




def _page(request, template: str, **context):
    member = getattr(request, "member", None)
    if member is not None:
        context.setdefault("unread", notice_selectors.unread_count_for_member(member))
    return render(request, template, context)


# ---------------------------------------------------------------- signing in


def activate(request):
    form = forms.ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_activate(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"],
                                                password=form.cleaned_data["password"], request=request)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "激活成功，欢迎使用党员之家。")
            return redirect("portal:home")
    return _page(request, "portal/activate.html", form=form, title="激活账号")


def sign_in(request):
    form = forms.LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate_member(phone=form.cleaned_data["phone"],
                                                password=form.cleaned_data["password"], request=request)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if not (next_url.startswith("/m/") and url_has_allowed_host_and_scheme(next_url, None)):
                next_url = reverse("portal:home")
            return redirect(next_url)
    return _page(request, "portal/login.html", form=form, next=next_url, title="登录")


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:login")


@member_required
def password_change(request):
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                                            new_password=form.cleaned_data["password"], request=request)
        except ValidationError as error:
            put_service_errors_on(form, error)
        else:
            update_session_auth_hash(request, user)  # the new password would otherwise end this session
            messages.success(request, "密码已修改。")
            return redirect("portal:home")
    return _page(request, "portal/form.html", form=form, title="修改密码", submit="确认修改")


# ---------------------------------------------------------------- home, notices


@member_required
def home(request):
    member = request.member
    today = timezone.localdate()
    notices = list(notice_selectors.notices_for_member(member)[:5])
    return _page(request, "portal/home.html", title="党员之家", profile=profile_of(member, today=today),
                 notices=notices, cards=cards.cards_for(member, today=today),
                 corrections=list(selectors.my_corrections(member)[:3]))


@member_required
def notice_list(request):
    notices = list(notice_selectors.notices_for_member(request.member)[:NOTICES_PER_PAGE])
    return _page(request, "portal/notices.html", title="通知", notices=notices)


@member_required
def notice_detail(request, notice_id: int):
    notice = notice_selectors.notice_get_for_member(request.member, notice_id)
    notice_services.notice_mark_read(member=request.member, notice=notice)
    return _page(request, "portal/notice.html", title=notice.title, notice=notice)


# ---------------------------------------------------------------- correction, floating report


@member_required
def correction(request):
    member = request.member
    form = forms.CorrectionForm(request.POST or None, residence_choices=services.residence_choices(member))
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_request_submit(actor=request.user, member=member, changes=form.changes(),
                                               note=form.cleaned_data["note"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "更正申请已提交，支部审核后会更新您的信息。")
            return redirect("portal:home")
    return _page(request, "portal/correction.html", title="申请更正信息", form=form,
                 profile=profile_of(member, today=timezone.localdate()),
                 corrections=list(selectors.my_corrections(member)[:10]))


@member_required
def floating_report(request):
    member = request.member
    record = selectors.my_open_floating_record(member)
    initial = {"place": record.place, "contact": record.contact} if record else {}
    form = forms.FloatingReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.floating_report(actor=request.user, member=member, place=form.cleaned_data["place"],
                                     contact=form.cleaned_data["contact"], request=request)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, "已收到您的平安报告，谢谢！")
            return redirect("portal:home")
    return _page(request, "portal/form.html", form=form, title="报平安", submit="报平安",
                 intro="告诉党组织：我一切都好，我现在在哪里，怎样联系我。")

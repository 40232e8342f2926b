"""The residents' phone pages at /c/ (no login): file a concern, follow it by its code, rate it.

No JavaScript is needed and nothing is loaded from outside. Each page is thin: the per-address
limit (rate_limits), then one service or selector. A code that is malformed, unknown or
refused gets exactly the same answer, so the pages reveal nothing about codes the visitor does
not hold. Codes travel in POST bodies, never in URLs (they would land in logs and histories).
"""

import time

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.concerns import rate_limits, selectors, services
from dangjian.concerns.forms import RateForm, ResidentConcernForm, TrackForm
from dangjian.concerns.tracking import format_tracking_code
from dangjian.core.form_errors import put_service_errors_on

FILED_SESSION_KEY = "concerns_filed"
# The code stays on the "filed" page this long (a refresh must not lose it), then it is gone
# from the browser's session: someone picking up the phone later cannot read it there.
FILED_SHOWN_SECONDS = 30 * 60


def _limited(request, template: str, action: str, context: dict):
    return render(request, template, {**context, "limit_message": rate_limits.message(action)}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def file_concern(request):
    """反映问题: the resident's form; on success the code is shown on the next page."""
    form = ResidentConcernForm(request.POST or None)
    if request.method == "POST":
        if rate_limits.exceeded(request, rate_limits.FILE):
            return _limited(request, "concerns/public/file.html", rate_limits.FILE, {"form": form})
        if form.is_valid():
            data = form.cleaned_data
            try:
                concern = services.concern_file_public(
                    category=data["category"], description=data["description"],
                    community=selectors.community_for_public(data["community"]), grid=data["grid"],
                    location=data["location"], resident_name=data["resident_name"],
                    resident_phone=data["resident_phone"], request=request)
            except ValidationError as error:
                put_service_errors_on(form, error)
            else:
                rate_limits.count_attempt(request, rate_limits.FILE)
                request.session[FILED_SESSION_KEY] = {"code": concern.tracking_code, "at": time.time()}
                return redirect("concerns_public:filed")
    return render(request, "concerns/public/file.html", {"form": form})


@never_cache
def filed(request):
    """The tracking code, big and selectable in one tap, with a note to keep it."""
    filed_ = request.session.get(FILED_SESSION_KEY) or {}
    code = filed_.get("code") if isinstance(filed_, dict) else None
    if not code or time.time() - filed_.get("at", 0) > FILED_SHOWN_SECONDS:
        request.session.pop(FILED_SESSION_KEY, None)
        return redirect("concerns_public:file")
    return render(request, "concerns/public/filed.html", {"code": format_tracking_code(code), "raw_code": code})


def _track_page(request, *, form, concern=None, rate_form=None, not_found=False, notice="", status=200):
    context = {"form": form, "concern": concern, "not_found": not_found, "notice": notice}
    if concern is not None:
        context["events"] = list(selectors.concern_timeline(concern, public_only=True))
        if concern.status == "resolved":
            context["rate_form"] = rate_form or RateForm(initial={"code": concern.tracking_code})
        elif rate_form is not None:  # refused because it is no longer (or not yet) open to rating
            context["rate_errors"] = [message for messages in rate_form.errors.values() for message in messages]
    return render(request, "concerns/public/track.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """查询进度: enter the code, see the status and the public timeline."""
    if request.method == "GET":
        return _track_page(request, form=TrackForm())
    form = TrackForm(request.POST)
    if not rate_limits.take(request, rate_limits.LOOKUP):
        return _limited(request, "concerns/public/track.html", rate_limits.LOOKUP, {"form": form})
    if not form.is_valid():
        return _track_page(request, form=form)
    concern = selectors.concern_by_tracking_code(form.cleaned_data["code"])
    if concern is None:
        return _track_page(request, form=form, not_found=True)
    return _track_page(request, form=TrackForm(initial={"code": concern.display_code}), concern=concern)


@never_cache
@require_POST
def rate(request):
    """The rating form under a resolved concern (posts its code back)."""
    rate_form = RateForm(request.POST)
    code = request.POST.get("code", "")
    track_form = TrackForm(initial={"code": code})
    if not rate_limits.take(request, rate_limits.LOOKUP):
        return _limited(request, "concerns/public/track.html", rate_limits.LOOKUP, {"form": track_form})
    concern = selectors.concern_by_tracking_code(code)
    if concern is None:
        return _track_page(request, form=track_form, not_found=True)
    if rate_form.is_valid():
        data = rate_form.cleaned_data
        try:
            concern = services.concern_rate(tracking_code=concern.tracking_code, rating=data["rating"],
                                            comment=data["comment"], request=request)
        except ValidationError as error:
            put_service_errors_on(rate_form, error)
        else:
            notice = ("感谢您的评价！" if concern.status == "evaluated"
                      else "感谢您的评价！我们已重新办理您反映的问题，请留意进度。")
            return _track_page(request, form=TrackForm(initial={"code": concern.display_code}),
                               concern=selectors.concern_by_tracking_code(concern.tracking_code), notice=notice)
    return _track_page(request, form=TrackForm(initial={"code": concern.display_code}), concern=concern,
                       rate_form=rate_form)



"""Ending things at /coverage/: an instructor's appointment (解聘), one assignment of an
instructor to a unit, a pairing agreement (终止结对). Each is a POST from the object's own page
carrying a date and a required confirmation checkbox; a refusal re-renders that page (400) with
the service's Chinese message. Same shape as the other coverage views: look up through a
selector (outside scope: 404), may the actor write it (403 otherwise), one service call.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from dangjian.accounts import scoping
from dangjian.coverage import forms, selectors, services, services_cobuild
from dangjian.coverage.views import _run, errors_text, instructor_page, unit_page
from dangjian.coverage.views_cobuild import pairing_page
from dangjian.members.views import role_required


def _writable(request, obj):
    if not scoping.can_write(request.user, obj):
        raise PermissionDenied(services.CANNOT_WRITE)
    return obj


@role_required
def instructor_end(request, instructor_id):
    instructor = _writable(request, selectors.instructor_get_for(request.user, instructor_id))
    if request.method != "POST":
        return redirect("coverage:instructor", instructor.pk)
    form = forms.instructor_end_form(request.POST)
    if _run(form, lambda data: services.instructor_end(actor=request.user, instructor=instructor,
                                                       ended_on=data["ended_on"], request=request)):
        messages.success(request, f"已解聘指导员{instructor.name}，其联系单位的指派同时结束。")
        return redirect("coverage:instructor", instructor.pk)
    return instructor_page(request, instructor, end_form=form, status=400)


@role_required
def assignment_end(request, assignment_id):
    assignment = selectors.assignment_get_for(request.user, assignment_id)
    _writable(request, assignment.unit)
    if request.method != "POST":
        return redirect("coverage:unit", assignment.unit_id)
    form = forms.assignment_end_form(request.POST, assignment=assignment)
    if _run(form, lambda data: services.assignment_end(actor=request.user, assignment=assignment,
                                                       ended_on=data["ended_on"], request=request)):
        messages.success(request, f"已结束指导员{assignment.instructor.name}对本单位的联系。")
        return redirect("coverage:unit", assignment.unit_id)
    return unit_page(request, selectors.unit_get_for(request.user, assignment.unit_id), end_form=form, status=400)


@role_required
def pairing_end(request, pairing_id):
    pairing = _writable(request, selectors.pairing_get_for(request.user, pairing_id))
    if request.method != "POST":
        return redirect("coverage:pairing", pairing.pk)
    form = forms.pairing_end_form(request.POST)
    if _run(form, lambda data: services_cobuild.pairing_end(actor=request.user, pairing=pairing,
                                                            ended_on=data["ended_on"], request=request)):
        messages.success(request, "已终止结对共建协议。")
        return redirect("coverage:pairing", pairing.pk)
    return pairing_page(request, pairing, end_form=form, status=400)


@role_required
def registration_end(request, registration_id):
    """From the services page; a refusal comes back there as a message (the list is paginated)."""
    registration = selectors.registration_get_for(request.user, registration_id)
    if not (scoping.can_write(request.user, registration.community)
            or scoping.can_write(request.user, registration.member)):
        raise PermissionDenied(services.CANNOT_WRITE)
    if request.method == "POST":
        form = forms.registration_end_form(request.POST, registration=registration)
        if _run(form, lambda data: services_cobuild.service_end(actor=request.user, registration=registration,
                                                                ended_on=data["ended_on"], request=request)):
            messages.success(request, f"已结束{registration.member.name}的报到。")
        else:
            messages.error(request, errors_text(form))
    return redirect("coverage:services")

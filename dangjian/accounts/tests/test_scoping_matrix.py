"""The scoping matrix: every route, as every role, on an in-scope and an out-of-scope object.

The test walks the project's URL resolver. Every route must be classified here (public, an
admin model route, a dashboard page, or an API route over a known model); a new route that
is not fails ``test_every_route_is_covered`` until someone says how it is scoped.

What counts as a leak: an out-of-scope object's id answering anything but 404 (or, in the
admin, 403 / the admin's "does not exist" redirect) or its name appearing in a response.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from dangjian.accounts import scoping
from dangjian.accounts.models import ApiToken, AuditEntry, User
from dangjian.activities.models import Activity
from dangjian.concerns.models import Concern
from dangjian.conference.models import (
    ConferenceMeeting,
    ConferenceTask,
    Demand,
    Document,
    DocumentVersion,
    JointConference,
    Project,
    ProjectMilestone,
    Resource,
    Seat,
    TaskProgress,
)
from dangjian.coverage.models import (
    CommunityService,
    Instructor,
    InstructorAssignment,
    Pairing,
    ServiceRecord,
)
from dangjian.evaluation.models import AssessmentScheme, Evidence, Indicator, ManualScore, Score, ScoringRun
from dangjian.members.models import FloatingRecord, ImportBatch, Member, Transfer
from dangjian.notices.models import Notice
from dangjian.organizations.models import Area, PartyOrganization, Unit
from dangjian.orglife.models import MeetingAttachment, OrgLifeMeeting
from dangjian.school.models import (
    ClassSession,
    Course,
    EducationPlan,
    PartySchool,
    PlannedClass,
    SchoolOfficer,
    Teacher,
    Venue,
)

ROLES = ["superuser", "city_admin", "district_admin", "street_admin", "community_admin", "org_admin", "leader",
         "liaison", "school_admin", "system_admin", "security_admin", "audit_admin", "instructor"]

# Routes that are the same for everyone (no object, no scoped data).
PUBLIC_ROUTES = {
    "", "healthz", "i18n/setlang/", "admin/", "admin/login/", "admin/logout/", "admin/password_change/",
    "admin/password_change/done/", "admin/jsi18n/", "admin/autocomplete/", "admin/<app_label>/",
    "admin/r/<int:content_type_id>/<path:object_id>/", "api/v1/openapi.json", "api/v1/docs",
    "admin/search/", "admin/toggle-sidebar/", "admin/(?P<url>.*)$", "admin/r/<path:content_type_id>/<path:object_id>/",
    "api/v1/", "members/import/template.xlsx",
    # Residents' concern pages and endpoints: no login; a concern is reached only by its code.
    "c/", "c/filed/", "c/track/", "c/track/rate/",
    "api/v1/public/concerns", "api/v1/public/concerns/track", "api/v1/public/concerns/rate",
}
DASHBOARD_ROUTES = {"dashboard/health/", "system/", "dashboard/export.xlsx"}
# The signed-in user's own security pages (two-factor, recovery codes, sessions): about nobody
# else; a back-office sign-in is required (test_identity.py covers them).
OWN_ACCOUNT_ROUTES = {"account/sessions/", "account/two-factor/", "account/two-factor/recovery-codes/"}
# The security administrator's tools (三员): the grant form's name search and the second-factor
# reset. Only the security administrator (and the bootstrap superuser) gets in; everyone else 403.
SECURITY_ADMIN_ROUTES = {"admin/accounts/roleassignment/grant-targets/": None,
                         "admin/accounts/user/<path:object_id>/reset-two-factor/": User}
# Member pages (/members/): the model whose pk fills the route's <int:…> id (None: no id, a
# list page over the actor's scope). An out-of-scope id answers 404 to GET and POST.
MEMBER_PAGE_ROUTES = {
    **{f"members/<int:member_id>/{step}/": Member
       for step in ("make-full", "transfer", "float-out", "lost-contact", "restore-contact", "close", "visit")},
    "members/transfers/<int:transfer_id>/receive/": Transfer,
    "members/transfers/<int:transfer_id>/return/": Transfer,
    "members/floating/<int:record_id>/end/": FloatingRecord,
    "members/floating/<int:record_id>/contact/": FloatingRecord,
    **dict.fromkeys(("members/transfers/", "members/transfers/from-outside/", "members/floating/in/", "members/care/", "members/care/due/",
                     "members/care/cadence/", "members/import/", "members/import/export/")),
    **{f"members/import/<int:batch_id>/{step}": ImportBatch
       for step in ("", "mapping/", "commit/", "retry/", "undo/", "errors.xlsx")},
}
# The roster's total, asked for by the roster page after it is shown (members/admin_roster.py):
# the changelist's own list counted, so a role counts only the members it may list.
ROSTER_TOTAL_ROUTES = {"admin/members/member/count/": Member}
# The member portal: pages at /m/ and the API at /api/v1/portal/. Only a member account gets in,
# and only to its own records: the model whose pk fills the route's id (None: no id). A member
# asking for another member's object gets 404; every staff role gets 404 (pages) or 401 (API).
PORTAL_ROUTES = {
    **dict.fromkeys(("m/", "m/password/", "m/notices/", "m/correction/", "m/floating/", "m/school/", "m/school/checkin/",
                     "api/v1/portal/me", "api/v1/portal/notices", "api/v1/portal/cards", "api/v1/portal/corrections",
                     "api/v1/portal/floating/report", "api/v1/portal/password", "api/v1/portal/logout")),
    # The member's own-data download (datasafety): their own record only, nothing to fill in.
    **dict.fromkeys(("m/my-data/", "api/v1/portal/my-data", "api/v1/portal/my-data/xlsx")),
    # In-service members registering with their residence community (coverage): their own
    # registration and records; the post picked is in the body, checked against their community.
    **dict.fromkeys(("m/service/", "m/service/register/", "m/service/record/", "api/v1/portal/community-service",
                     "api/v1/portal/community-service/register", "api/v1/portal/community-service/records")),
    "m/notices/<int:notice_id>/": Notice,
    "api/v1/portal/notices/<int:notice_id>": Notice,
}
# Signing in and activating: the same for everyone (they read nothing of anyone).
PORTAL_PUBLIC_ROUTES = {"m/activate/", "m/login/", "m/logout/", "api/v1/portal/activate", "api/v1/portal/login"}
# Back-office concern pages (/concerns/): as MEMBER_PAGE_ROUTES.
CONCERN_PAGE_ROUTES = {
    **dict.fromkeys(("concerns/", "concerns/new/")),
    **{f"concerns/<int:concern_id>/{step}": Concern for step in ("", "assign/", "note/", "resolve/", "reveal-phone/")},
}
# Dues pages (/dues/) and API (/api/v1/dues/…): the model whose pk fills the route's id (None: no
# id — a list over the actor's scope, or the rate table every role reads). Dues records hang on
# the member's organization, like the member: an out-of-scope member or branch answers 404.
DUES_ROUTES = {
    **dict.fromkeys(("dues/", "dues/rates/", "api/v1/dues/rates", "api/v1/dues/payments")),
    **{f"dues/branch/<int:organization_id>/{step}": PartyOrganization for step in ("", "arrears/", "ledger.xlsx")},
    **{f"dues/member/<int:member_id>/{step}": Member for step in ("", "declare/", "pay/", "exempt/")},
    **{f"api/v1/dues/members/<int:member_id>{step}": Member
       for step in ("", "/declarations", "/payments", "/exemptions")},
    "api/v1/dues/organizations/<int:organization_id>/arrears": PartyOrganization,
    "api/v1/dues/organizations/<int:organization_id>/months/<month>/payments": PartyOrganization,
}
# Assessment pages (/evaluation/) and API (/api/v1/evaluation/): the model whose pk fills the
# route's id (None: no id). Evaluated areas see more than ``narrow`` gives (the published ranking
# of their peers), so dangjian/evaluation/tests/test_scoping_matrix.py checks these routes
# against the evaluation selectors, every role, GET and POST.
EVALUATION_ROUTES = {
    **dict.fromkeys(("evaluation/", "evaluation/new/", "api/v1/evaluation/schemes", "api/v1/evaluation/manual-scores")),
    **{route: AssessmentScheme for route in (
        "evaluation/<int:scheme_id>/", "evaluation/<int:scheme_id>/score/", "evaluation/<int:scheme_id>/revise/",
        "api/v1/evaluation/schemes/<int:scheme_id>",
        "api/v1/evaluation/schemes/<int:scheme_id>/manual-scores", "api/v1/evaluation/schemes/<int:scheme_id>/revise",
        "api/v1/evaluation/schemes/<int:scheme_id>/score")},
    "evaluation/indicators/<int:indicator_id>/manual/": Indicator,
    **{route: ScoringRun for route in (
        "evaluation/runs/<int:run_id>/", "evaluation/runs/<int:run_id>/publish/", "api/v1/evaluation/runs/<int:run_id>",
        "api/v1/evaluation/runs/<int:run_id>/publish", "api/v1/evaluation/runs/<int:run_id>/ranking")},
    **dict.fromkeys(("evaluation/scores/<int:score_id>/", "api/v1/evaluation/scores/<int:score_id>"), Score),
    "evaluation/evidence/<int:evidence_id>/": Evidence,
    "api/v1/evaluation/manual-scores/<int:manual_score_id>/evidence": ManualScore,
}
# Annual statistics (/annual-report/ and /api/v1/annual-report/): no id in the route; the area is a
# query parameter, reached only by area roles containing it (404 otherwise, for every role), checked
# by dangjian/annual_report/tests/test_scoping_matrix.py.
ANNUAL_REPORT_ROUTES = dict.fromkeys(("annual-report/", "annual-report/workbook.xlsx", "api/v1/annual-report/figures",
                                      "api/v1/annual-report/workbook"))
# Joint conference pages (/conference/) and API (/api/v1/conferences): the model whose pk fills
# the route's id, named by the id (None: no id, a list over the actor's scope). Every role, the
# liaison included, gets 404 for an object outside its scope, to GET and POST.
_CONFERENCE_IDS = {"conference_id": JointConference, "meeting_id": ConferenceMeeting, "task_id": ConferenceTask,
                   "seat_id": Seat, "document_id": Document, "demand_id": Demand, "resource_id": Resource,
                   "project_id": Project, "milestone_id": ProjectMilestone, "version_id": DocumentVersion,
                   "progress_id": TaskProgress}
CONFERENCE_ROUTES = {
    route: next((model for name, model in _CONFERENCE_IDS.items() if f"<int:{name}>" in route), None)
    for route in (
        "conference/", "conference/liaison/", "conference/new/",
        *(f"conference/<int:conference_id>/{step}" for step in (
            "", "seats/new/", "meetings/new/", "tasks/", "documents/", "documents/new/", "lists/",
            "lists/demands/new/", "lists/resources/new/", "lists/projects/new/")),
        *(f"conference/seats/<int:seat_id>/{step}" for step in ("handover/", "post/", "leave/")),
        *(f"conference/documents/<int:document_id>/{step}" for step in ("", "revise/", "status/")),
        *(f"conference/meetings/<int:meeting_id>/{step}" for step in (
            "", "attendance/", "minutes/", "resolutions/", "tasks/", "notice.docx", "minutes.docx")),
        "conference/tasks/<int:task_id>/", "conference/tasks/<int:task_id>/progress/",
        "conference/resources/<int:resource_id>/availability/",
        "conference/documents/versions/<int:version_id>/attachment/",
        "conference/tasks/progress/<int:progress_id>/attachment/",
        *(f"conference/projects/<int:project_id>/{step}" for step in ("", "status/", "milestones/new/")),
        "conference/milestones/<int:milestone_id>/edit/", "conference/milestones/<int:milestone_id>/done/",
        "api/v1/conferences", "api/v1/conferences/tasks",
        *(f"api/v1/conferences/<int:conference_id>{step}" for step in (
            "", "/documents", "/meetings", "/seats", "/demands", "/resources", "/projects")),
        *(f"api/v1/conferences/seats/<int:seat_id>/{step}" for step in ("handover", "post", "leave")),
        *(f"api/v1/conferences/documents/<int:document_id>{step}" for step in ("", "/revise", "/status")),
        *(f"api/v1/conferences/meetings/<int:meeting_id>{step}" for step in ("", "/attendance", "/resolutions", "/tasks")),
        "api/v1/conferences/tasks/<int:task_id>", "api/v1/conferences/tasks/<int:task_id>/progress",
        "api/v1/conferences/demands/<int:demand_id>/suggestions",
        "api/v1/conferences/resources/<int:resource_id>/availability",
        *(f"api/v1/conferences/projects/<int:project_id>{step}" for step in ("", "/status", "/milestones")),
        "api/v1/conferences/milestones/<int:milestone_id>", "api/v1/conferences/milestones/<int:milestone_id>/done",
    )
}
# Party school pages (/school/) and API (/api/v1/schools): the model whose pk fills the route's id
# (None: a list over the actor's scope). Reached by general roles in scope and by the school's
# administrator; an out-of-scope id answers 404 to GET and POST.
SCHOOL_ROUTES = {
    **dict.fromkeys(("school/", "api/v1/schools", "school/new/")),
    **{f"school/<int:school_id>/{step}": PartySchool
       for step in ("", "venues/new/", "officers/new/", "teachers/new/", "courses/new/", "plans/new/", "classes/new/",
                    "members/", "ledger.docx", "edit/")},
    **{f"api/v1/schools/<int:school_id>{step}": PartySchool
       for step in ("", "/classes", "/courses", "/members", "/plans", "/teachers", "/venues", "/officers")},
    "school/plans/<int:plan_id>/": EducationPlan, "api/v1/schools/plans/<int:plan_id>": EducationPlan,
    "school/plans/<int:plan_id>/edit/": EducationPlan, "api/v1/schools/plans/<int:plan_id>/classes": EducationPlan,
    "school/teachers/<int:teacher_id>/": Teacher,
    **{f"school/classes/<int:session_id>/{step}": ClassSession
       for step in ("", "attendance/", "makeup/", "held/", "cancel/", "attendance.xlsx", "edit/")},
    **{f"api/v1/schools/classes/<int:session_id>{step}": ClassSession
       for step in ("", "/attendance", "/makeup", "/cancel", "/held")},
    # The edit pages and the API's PUT/DELETE (these answer 405 to the matrix's GET and POST;
    # dangjian/school/tests/test_api_edit.py sends them as PUT/DELETE out of scope).
    "school/venues/<int:venue_id>/edit/": Venue, "api/v1/schools/venues/<int:venue_id>": Venue,
    "school/officers/<int:officer_id>/edit/": SchoolOfficer, "api/v1/schools/officers/<int:officer_id>": SchoolOfficer,
    "school/teachers/<int:teacher_id>/edit/": Teacher, "api/v1/schools/teachers/<int:teacher_id>": Teacher,
    "school/courses/<int:course_id>/edit/": Course, "api/v1/schools/courses/<int:course_id>": Course,
    **dict.fromkeys(("school/planned/<int:planned_id>/edit/", "school/planned/<int:planned_id>/remove/",
                     "api/v1/schools/planned/<int:planned_id>"), PlannedClass),
}
# Coverage and co-construction (/coverage/ pages and /api/v1/coverage): as CONCERN_PAGE_ROUTES,
# checked by dangjian/coverage/tests/test_scoping.py (the model whose pk fills the id; None: no id).
COVERAGE_ROUTES = {
    **dict.fromkeys(("coverage/", "coverage/blank-spots/", "coverage/instructors/", "coverage/mine/",
                     "coverage/pairings/", "coverage/services/", "api/v1/coverage/board", "api/v1/coverage/units",
                     "api/v1/coverage/blank-spots", "api/v1/coverage/instructors", "api/v1/coverage/mine",
                     "api/v1/coverage/visits", "api/v1/coverage/pairings", "api/v1/coverage/registrations",
                     "coverage/export/units.xlsx", "coverage/export/uncovered.xlsx")),
    "coverage/areas/<int:area_id>/": Area,
    **dict.fromkeys(("coverage/instructors/<int:instructor_id>/end/", "api/v1/coverage/instructors/<int:instructor_id>/end"),
                    Instructor),
    **dict.fromkeys(("coverage/assignments/<int:assignment_id>/end/",
                     "api/v1/coverage/assignments/<int:assignment_id>/end"), InstructorAssignment),
    "coverage/pairings/<int:pairing_id>/end/": Pairing, "api/v1/coverage/pairings/<int:pairing_id>/end": Pairing,
    **{f"coverage/units/<int:unit_id>/{step}": Unit for step in ("", "assign/", "joint/", "profile/")},
    **{f"api/v1/coverage/units/<int:unit_id>{step}": Unit for step in ("", "/instructor", "/joint-branch")},
    "coverage/instructors/<int:instructor_id>/": Instructor,
    "api/v1/coverage/instructors/<int:instructor_id>": Instructor,
    **{f"coverage/pairings/<int:pairing_id>/{step}": Pairing for step in ("", "activity/", "review/")},
    **{f"api/v1/coverage/pairings/<int:pairing_id>{step}": Pairing
       for step in ("", "/activities", "/reviews")},
    "coverage/services/<int:registration_id>/record/": CommunityService,
    "coverage/services/<int:registration_id>/end/": CommunityService,
    "api/v1/coverage/registrations/<int:registration_id>/end": CommunityService,
    "api/v1/coverage/registrations/<int:registration_id>/records": CommunityService,
    "coverage/services/records/<int:record_id>/confirm/": ServiceRecord,
    "api/v1/coverage/records/<int:record_id>/confirm": ServiceRecord,
}
# Organizational life (/orglife/ pages and /api/v1/orglife): the model whose pk fills the ids
# (None: a list over the actor's scope). Branch routes take a party organization (a branch).
ORGLIFE_ROUTES = {
    **dict.fromkeys(("orglife/", "orglife/new/", "orglife/branches/", "api/v1/orglife/meetings")),
    **{f"orglife/<int:meeting_id>/{step}": OrgLifeMeeting
       for step in ("", "edit/", "delete/", "attendance/", "attachments/")},
    "orglife/<int:meeting_id>/attachments/<int:attachment_id>/": MeetingAttachment,
    "orglife/branches/<int:branch_id>/calendar/": PartyOrganization,
    "orglife/branches/<int:branch_id>/ledger.<str:fmt>": PartyOrganization,
    "api/v1/orglife/meetings/<int:meeting_id>": OrgLifeMeeting,
    "api/v1/orglife/meetings/<int:meeting_id>/attendance": OrgLifeMeeting,
    "api/v1/orglife/branches/<int:branch_id>/calendar": PartyOrganization,
}
# Community activities: the back office's pages and API (as ORGLIFE_ROUTES), and the member's
# phone pages under activities/m/ (a member account only; an activity away from the member: 404).
ACTIVITY_ROUTES = {
    **dict.fromkeys(("activities/", "activities/new/", "api/v1/activities")),
    **{f"activities/<int:activity_id>/{step}": Activity for step in ("", "report/", "photos/", "capacity/")},
    **{f"api/v1/activities/<int:activity_id>{step}": Activity for step in ("", "/capacity", "/report")},
}
ACTIVITY_MEMBER_ROUTES = {
    **dict.fromkeys(("activities/m/", "activities/m/checkin/")),
    **{f"activities/m/<int:activity_id>/{step}": Activity for step in ("", "sign-up/", "cancel/")},
}
# API collections and objects, by their first path segment.
API_MODELS = {"areas": Area, "organizations": PartyOrganization, "units": Unit, "tokens": ApiToken,
              "members": Member, "transfers": Transfer, "floating": FloatingRecord, "concerns": Concern,
              "member-imports": ImportBatch, "member-export": Member, "care-cadences": Area,
              "dashboard": Area}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _route_strings():
    return sorted({route for route, _pattern in _walk(get_resolver().url_patterns)})


def _admin_prefixes():
    return {f"admin/{model._meta.app_label}/{model._meta.model_name}/": model for model in admin.site._registry}


def _classify(route):
    clean = route.lstrip("^").replace("\\Z", "")
    if clean.startswith("admin/^(?P<app_label>"):  # the admin's per-app index
        return "public"
    if clean in SECURITY_ADMIN_ROUTES:
        return ("security_admin", SECURITY_ADMIN_ROUTES[clean])
    if clean in MEMBER_PAGE_ROUTES:
        return ("member_page", MEMBER_PAGE_ROUTES[clean])
    if clean in ROSTER_TOTAL_ROUTES:
        return ("roster_total", ROSTER_TOTAL_ROUTES[clean])
    if clean in PORTAL_ROUTES:
        return ("portal", PORTAL_ROUTES[clean])
    if clean in PORTAL_PUBLIC_ROUTES:
        return "public"
    if clean in CONCERN_PAGE_ROUTES:
        return ("concern_page", CONCERN_PAGE_ROUTES[clean])
    if clean in DUES_ROUTES:
        return ("dues", DUES_ROUTES[clean])
    if clean in EVALUATION_ROUTES:
        return ("evaluation", EVALUATION_ROUTES[clean])
    if clean in ANNUAL_REPORT_ROUTES:
        return ("annual_report", None)
    if clean in CONFERENCE_ROUTES:
        return ("conference", CONFERENCE_ROUTES[clean])
    if clean in SCHOOL_ROUTES:
        return ("school", SCHOOL_ROUTES[clean])
    if clean in COVERAGE_ROUTES:
        return ("coverage", COVERAGE_ROUTES[clean])
    if clean in ORGLIFE_ROUTES:
        return ("orglife", ORGLIFE_ROUTES[clean])
    if clean in ACTIVITY_ROUTES:
        return ("activities", ACTIVITY_ROUTES[clean])
    if clean in ACTIVITY_MEMBER_ROUTES:
        return ("activities_member", ACTIVITY_MEMBER_ROUTES[clean])
    if clean in OWN_ACCOUNT_ROUTES:
        return "public"
    if clean in PUBLIC_ROUTES or clean in DASHBOARD_ROUTES:
        return "public" if clean in PUBLIC_ROUTES else "dashboard"
    if clean.startswith(("static/", "media/")):
        return "public"
    for prefix, model in _admin_prefixes().items():
        if clean.startswith(prefix):
            return ("admin", model)
    if clean.startswith("api/v1/"):
        segment = clean.removeprefix("api/v1/").split("/")[0]
        if segment in API_MODELS:
            return ("api", API_MODELS[segment])
    return None


@pytest.fixture
def city(module_city, city):
    """The city and its users built once for the module (dangjian/conftest.py's ``module_city``):
    every test here runs in a savepoint inside that transaction. Asked for through ``city``, not
    with a module-wide mark, so that test_every_route_is_covered (no database) does not build it:
    pytest-django runs such tests last, after the transactional ones have emptied the code tables
    that the city's area codes are checked against."""
    return city


def test_every_route_is_covered():
    """A new route fails here until the matrix knows how it is scoped."""
    unknown = [route for route in _route_strings() if _classify(route) is None]
    assert not unknown, f"routes not covered by the scoping matrix: {unknown}"


# ----------------------------------------------------------------------------- helpers


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _visible(user, model):
    from dangjian.accounts import selectors
    from dangjian.accounts.models import RoleAssignment

    # Accounts and role assignments: the security administrator sees them all (selectors).
    if model is RoleAssignment:
        return selectors.role_assignments_for(user)
    if model is User:
        return selectors.users_for(user)
    if scoping.is_scoped_model(model):
        return scoping.narrow(user, model.objects.all())
    return model.objects.all() if scoping.is_superuser(user) else model.objects.none()


def _out_of_scope(user, model):
    """One object the user must not see (None when the user sees everything)."""
    if model is AuditEntry:
        return model.objects.first() if not scoping.is_audit_admin(user) else None
    if model is ApiToken:
        return model.objects.first() if not scoping.may_manage_accounts(user) else None
    if scoping.is_superuser(user):
        return None
    visible = _visible(user, model)
    return model.objects.exclude(pk__in=visible.values("pk")).order_by("pk").first()


def _result_table(html: str) -> str:
    match = re.search(r'<table id="result_list".*?</table>', html, re.S)
    return match.group(0) if match else ""


def _fill(route: str, object_id) -> str:
    path = re.sub(r"<[^>]+>", str(object_id), route.lstrip("^").rstrip("$").replace("\\Z", ""))
    path = re.sub(r"\{[^}]+\}", str(object_id), path)
    return "/" + path


@pytest.fixture
def everyone(city_users, city):
    # A token and an audit trail exist, so their pages have something to leak.
    from dangjian.accounts import services

    services.token_issue(actor=city_users.superuser, user=city_users.city_admin, name="集成测试")
    assert AuditEntry.objects.exists()
    return city_users


# ----------------------------------------------------------------------------- admin


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_routes_leak_nothing(everyone, role):
    user = getattr(everyone, role)
    client = _client(user)
    routes = [(route, _classify(route)) for route in _route_strings()]
    checked = 0
    landed_on_index = []  # see _hides
    for route, kind in routes:
        if not (isinstance(kind, tuple) and kind[0] == "admin"):
            continue
        model = kind[1]
        has_object = "<" in route.split("/", 3)[-1]
        if not has_object:
            if route.endswith("/move/"):
                _check_move_refused(client, user, model, route)
                continue
            if route.endswith(("/jsi18n/", "/add/")):
                continue
            response = client.get(_fill(route, ""))
            assert response.status_code in (200, 302, 403), (role, route, response.status_code)
            if response.status_code == 200:
                table = _result_table(response.content.decode())
                for hidden in _hidden_names(user, model):
                    assert hidden not in table, (role, route, hidden)
            checked += 1
            continue
        outsider = _out_of_scope(user, model)
        if outsider is not None:
            response, final_path = _get_up_to_admin_index(client, _fill(route, outsider.pk))
            # 403/404, or the admin's "does not exist" redirect to its index.
            assert response.status_code in (403, 404) or final_path.rstrip("/").endswith("/admin"), (
                role, route, response.status_code, final_path)
            name = f">{outsider}<" if model in (Area, PartyOrganization, Unit) else None
            _hides(response, final_path, name, role, route, landed_on_index)
            checked += 1
        insider = _visible(user, model).order_by("pk").first()
        if insider is not None and route.endswith(("/change/", "/history/")):
            response = client.get(_fill(route, insider.pk))
            assert response.status_code == 200, (role, route, response.status_code)
    assert checked
    _check_index_hides(client, role, landed_on_index)


def _hides(response, final_path, text, role, route, landed_on_index) -> None:
    """``text`` (None: nothing to look for) is not on the page the request ended on. A redirect to the admin index is not
    followed into it (``_get_up_to_admin_index``): the index is the user's dashboard, the same page
    whichever refusal led there (~0.4 s a render), so (route, text) goes to ``landed_on_index``
    and ``_check_index_hides`` reads one render of it, with every message the refusals left."""
    if final_path.rstrip("/").endswith("/admin"):
        landed_on_index.append((route, text))
    elif text is not None:
        assert text not in response.content.decode(), (role, route)


def _check_index_hides(client, role, landed_on_index) -> None:
    if not landed_on_index:
        return
    index = client.get("/admin/")
    assert index.status_code == 200, (role, index.status_code)
    html = index.content.decode()
    for route, text in landed_on_index:
        assert text is None or text not in html, (role, route, text)


def _get_up_to_admin_index(client, url):
    """GET ``url`` and follow its redirects, but not into the admin index: the last response
    and where its redirects ended ("" if it answered without one), as ``follow=True`` reports."""
    response = client.get(url)
    final_path = ""
    for _hop in range(10):
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        final_path = response["Location"]
        if final_path.rstrip("/").endswith("/admin"):
            break
        response = client.get(final_path)
    return response, final_path


def _hidden_names(user, model):
    """Distinctive names of objects outside the scope (not contained in a visible name)."""
    if model not in (Area, PartyOrganization, Unit) or scoping.is_city_admin(user):
        return []
    visible_names = [str(obj) for obj in _visible(user, model)]
    hidden = model.objects.exclude(pk__in=_visible(user, model).values("pk"))
    return [str(obj) for obj in hidden if not any(str(obj) in name for name in visible_names)]


def _check_move_refused(client, user, model, route):
    outsider = _out_of_scope(user, model)
    insider = _visible(user, model).order_by("-depth").first() if hasattr(model, "depth") else None
    if outsider is None or insider is None:
        return
    before = model.objects.get(pk=outsider.pk).path
    response = client.post(_fill(route, ""), {"node": outsider.pk, "target": insider.pk, "relation": "child"})
    assert response.status_code in (400, 403), (route, response.status_code)
    assert model.objects.get(pk=outsider.pk).path == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_security_admin_tools_answer_only_the_security_admin(everyone, role):
    user = getattr(everyone, role)
    client = _client(user)
    allowed = scoping.is_security_admin(user)
    target = everyone.street_admin
    search = client.get("/admin/accounts/roleassignment/grant-targets/", {"field_name": "unit", "term": "梅园"})
    assert search.status_code == (200 if allowed else 403), (role, search.status_code)
    reset = client.get(_fill("admin/accounts/user/<path:object_id>/reset-two-factor/", target.pk))
    assert reset.status_code == (200 if allowed else 403), (role, reset.status_code)
    missing = client.get(_fill("admin/accounts/user/<path:object_id>/reset-two-factor/", 10**9))
    assert missing.status_code == (404 if allowed else 403), (role, missing.status_code)


# ----------------------------------------------------------------------------- dashboard


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_dashboard_never_shows_another_area(everyone, role):
    user = getattr(everyone, role)
    client = _client(user)
    outsider = _out_of_scope(user, Area)
    response = client.get("/admin/")
    assert response.status_code == 200
    if outsider is None:
        return
    assert client.get(f"/dashboard/health/?area={outsider.pk}").status_code == 404
    assert client.get(f"/dashboard/export.xlsx?area={outsider.pk}").status_code == 404
    html = client.get(f"/admin/?area={outsider.pk}").content.decode()
    board = html.split('id="dashboard"', 1)[-1]
    for hidden in _hidden_names(user, Area):
        assert f">{hidden}<" not in board, (role, hidden)


# ----------------------------------------------------------------------------- member pages


@pytest.fixture
def member_records(everyone, city, settings, tmp_path):
    """A member in every community's organization, a letter and an outflow in each district, and
    an uploaded roster (import batch) in each district."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.members import services as member_services
    from dangjian.members import services_import
    from dangjian.members.tests.factories import member
    from dangjian.members.tests.rosters import HEADERS, clean_row, person, workbook_bytes

    actor = everyone.superuser
    members = [member(actor=actor, organization=city.org(area), name=f"{area.name[:2]}党员")
               for area in city.communities]
    for someone in (members[1], members[-1]):  # 大行宫社区 (玄武区) and a 秦淮区 community
        member_services.member_transfer_issue(actor=actor, member=someone, letter_number=f"转{someone.pk}",
                                              issued_on=someone.joined_on, to_outside="系统外某党委")
        member_services.member_float_out(actor=actor, member=someone, place="外地", started_on=someone.joined_on)
    settings.MEDIA_ROOT = str(tmp_path)
    for area in (city.dahanggong, city.fuzimiao):
        roster = SimpleUploadedFile("花名册.xlsx", workbook_bytes([HEADERS, clean_row(person(area.pk))]))
        services_import.member_import_upload(actor=actor, organization=city.org(area), uploaded_file=roster)
    return members


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_member_pages_answer_404_outside_scope(member_records, everyone, role):
    user = getattr(everyone, role)
    client = _client(user)
    hidden_members = [str(m) for m in Member.objects.exclude(pk__in=_visible(user, Member).values("pk"))]
    checked = 0
    landed_on_index = []  # see _hides
    for route in _route_strings():
        kind = _classify(route)
        if isinstance(kind, tuple) and kind[0] == "admin" and kind[1] is Member and "<" in route:
            outsider = _out_of_scope(user, Member)
            if outsider is not None:
                response, final_path = _get_up_to_admin_index(client, _fill(route, outsider.pk))
                assert response.status_code in (403, 404) or final_path.rstrip("/").endswith("/admin"), (
                    role, route, response.status_code)
                _hides(response, final_path, f"{outsider}", role, route, landed_on_index)
            continue
        if not (isinstance(kind, tuple) and kind[0] == "member_page"):
            continue
        model = kind[1]
        if model is None:
            response = client.get(_fill(route, ""))
            assert response.status_code in (200, 403, 404), (role, route, response.status_code)
            body = response.content.decode()
            for hidden in hidden_members:
                assert hidden not in body, (role, route, hidden)
            continue
        outsider = _out_of_scope(user, model)
        if outsider is None:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(_fill(route, outsider.pk))
            assert response.status_code == 404, (role, method, route, response.status_code)
            assert str(outsider) not in response.content.decode(), (role, route)
            checked += 1
    _check_index_hides(client, role, landed_on_index)
    assert checked or role in ("superuser", "city_admin")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_roster_total_counts_only_what_the_role_may_list(member_records, everyone, role):
    from dangjian.members.models import Standing

    user = getattr(everyone, role)
    client = _client(user)
    (route,) = (route for route in _route_strings() if _classify(route) == ("roster_total", Member))
    url = _fill(route, "")
    response = client.get(url, headers={"HX-Request": "true"})
    if response.status_code != 200:  # no view permission on the roster: refused, nothing counted
        assert response.status_code in (302, 403), (role, response.status_code)
        assert "名党员" not in response.content.decode()
        return
    visible = _visible(user, Member).filter(standing=Standing.ACTIVE)
    assert f"共 {visible.count()} 名党员" in response.content.decode(), role
    outsider = _out_of_scope(user, Member)
    if outsider is None:
        return
    # an organization outside the scope counts nothing and is not named; nor is a search for
    # an outside member's name answered with that member
    body = client.get(url, {"organization__id__exact": outsider.organization_id}).content.decode()
    assert "共 0 名党员" in body and outsider.organization.name not in body, role
    namesakes = visible.filter(name=outsider.name).count()
    body = client.get(url, {"q": outsider.name}).content.decode()
    assert f"共 {namesakes} 名党员" in body, role


# ----------------------------------------------------------------------------- concern pages


@pytest.fixture
def concern_records(everyone, city):
    """A concern in every community, handed to that community's organization; another left unassigned."""
    from dangjian.concerns import services as concern_services

    actor = everyone.superuser
    made = []
    for area in city.communities:
        concern = concern_services.concern_file_public(category="environment", description=f"{area.name}的路灯不亮",
                                                       community=area)
        made.append(concern_services.concern_assign(actor=actor, concern=concern, organization=city.org(area)))
        made.append(concern_services.concern_file_public(category="other", description=f"{area.name}未交办的诉求",
                                                         community=area))
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_concern_pages_answer_404_outside_scope(concern_records, everyone, role):
    user = getattr(everyone, role)
    client = _client(user)
    hidden = [c.description for c in Concern.objects.exclude(pk__in=_visible(user, Concern).values("pk"))]
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if kind == ("api", Concern) and "<" in route:
            outsider = _out_of_scope(user, Concern)
            if outsider is not None:
                for method in ("get", "post"):
                    url = _fill(route, outsider.pk)
                    response = (client.get(url) if method == "get"
                                else client.post(url, data="{}", content_type="application/json"))
                    body = response.content.decode()
                    if response.status_code == 405 or (response.status_code == 422 and '"missing"' in body):
                        continue
                    assert response.status_code == 404, (role, method, route, response.status_code)
                    assert outsider.description not in body
                    checked += 1
            continue
        if not (isinstance(kind, tuple) and kind[0] == "concern_page"):
            continue
        model = kind[1]
        if model is None:
            response = client.get(_fill(route, ""))
            assert response.status_code in (200, 403, 404), (role, route, response.status_code)
            body = response.content.decode()
            for description in hidden:
                assert description not in body, (role, route, description)
            continue
        outsider = _out_of_scope(user, model)
        if outsider is None:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(_fill(route, outsider.pk))
            assert response.status_code in (404, 405), (role, method, route, response.status_code)
            assert outsider.description not in response.content.decode(), (role, route)
            checked += 1
    assert checked or role in ("superuser", "city_admin")


@pytest.mark.django_db
def test_an_organization_sees_the_concerns_it_handles_and_no_others(concern_records, org_admin, city):
    """The organization anchor: the admin of 新街口街道党工委 sees the concerns handed to its
    communities' organizations, not those still waiting in the communities' queue."""
    visible = set(scoping.narrow(org_admin, Concern.objects.all()).values_list("description", flat=True))
    assert visible == {"华侨路社区的路灯不亮", "石鼓路社区的路灯不亮"}


# ----------------------------------------------------------------------------- dues


@pytest.fixture
def dues_records(everyone, city):
    """In every community's organization a member who declared a base and paid this month."""
    import datetime

    from django.utils import timezone

    from dangjian.dues import services as dues_services
    from dangjian.members.tests.factories import member

    actor, today = everyone.superuser, timezone.localdate()
    made = []
    for area in city.communities:
        someone = member(actor=actor, organization=city.org(area), name=f"{area.name[:3]}党费人")
        dues_services.dues_declare(actor=actor, member=someone, category="in_service", income_base=4000,
                                   effective_from=datetime.date(2025, 1, 1))
        dues_services.dues_pay(actor=actor, member=someone, months=[today.replace(day=1)], paid_on=today)
        made.append(someone)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_dues_routes_answer_404_outside_scope(dues_records, everyone, role):
    """Every dues page and endpoint: an out-of-scope member or branch is 404 to GET and POST and
    shows nothing of it; the lists show no member outside the scope; function roles get no page."""
    user = getattr(everyone, role)
    client = _client(user)
    hidden = [m.name for m in Member.objects.exclude(pk__in=_visible(user, Member).values("pk"))
              if m.name.endswith("党费人")]
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "dues"):
            continue
        model = kind[1]
        if model is None:
            response = client.get(_fill(route, ""))
            expected = (200,) if scoping.has_any_role(user) or route.startswith("api/") else (404,)
            assert response.status_code in expected, (role, route, response.status_code)
            body = response.content.decode()
            for name in hidden:
                assert name not in body, (role, route, name)
            checked += 1
            continue
        outsider = _out_of_scope(user, model)
        if outsider is None:
            continue
        for method in ("get", "post"):
            url = _fill(route, outsider.pk)
            response = (client.get(url) if method == "get" else
                        client.post(url, data="{}", content_type="application/json") if route.startswith("api/")
                        else client.post(url))
            body = response.content.decode()
            if response.status_code == 405 or (response.status_code == 422 and '"missing"' in body):
                continue
            assert response.status_code == 404, (role, method, route, response.status_code)
            assert str(outsider) not in body, (role, route)
            checked += 1
    assert checked


@pytest.mark.django_db
def test_a_leader_reads_dues_but_records_nothing(dues_records, leader):
    """玄武区's leader sees its members' dues and is refused (403) every write, with nothing written."""
    from dangjian.dues.models import DuesPayment

    client = _client(leader)
    someone = next(m for m in dues_records if scoping.can_see(leader, m))
    assert client.get(f"/dues/member/{someone.pk}/").status_code == 200
    before = DuesPayment.objects.count()
    for url in (f"/dues/member/{someone.pk}/pay/", f"/dues/member/{someone.pk}/declare/",
                f"/dues/member/{someone.pk}/exempt/", f"/dues/branch/{someone.organization_id}/"):
        assert client.post(url, {"from_month": "2026-01", "paid_on": "2026-01-05"}).status_code == 403, url
    response = client.post(f"/api/v1/dues/members/{someone.pk}/payments", content_type="application/json",
                           data='{"from_month": "2026-01", "paid_on": "2026-01-05"}')
    assert response.status_code == 403
    assert DuesPayment.objects.count() == before


# ----------------------------------------------------------------------------- joint conference


@pytest.fixture
def conference_records(everyone, city):
    """Two street conferences (梅园新村: the street administrator's and the liaison's; 夫子庙:
    nobody's but the city's), each with a charter, a meeting, tasks for two units, a need, a
    resource of each unit and a project (with a milestone) led by each unit."""
    from dangjian.conference import services as conference_services
    from dangjian.conference import services_lists
    from dangjian.conference.tests.factories import meeting, qinhuai_conference, street_conference, task

    actor = everyone.superuser
    made = []
    for street in (street_conference(city, actor=actor), qinhuai_conference(city, actor=actor)):
        name = street.conference.area.name
        conference_services.document_create(actor=actor, conference=street.conference, kind="charter",
                                            title=f"{name}联席会章程", issuer="党工委",
                                            effective_on=datetime.date(2025, 1, 1), text="章程正文")
        held = meeting(street, actor=actor, title=f"{name}全体成员大会")
        task(street, street.tech, actor=actor, meeting_=held, title=f"{name}甲单位任务")
        task(street, street.care, actor=actor, meeting_=held, title=f"{name}乙单位任务")
        community = next(c for c in city.communities if c.path.startswith(street.conference.area.path))
        for label, seat in (("甲", street.tech), ("乙", street.care)):
            demand = services_lists.demand_create(actor=actor, conference=street.conference, community=community,
                                                  kind="venue", title=f"{name}{label}活动场地需求", description="需要场地")
            resource = services_lists.resource_create(actor=actor, conference=street.conference, unit=seat.unit,
                                                      kind="venue", title=f"{name}{label}单位会议室")
            services_lists.project_create(actor=actor, demand=demand, title=f"{name}{label}单位牵头项目",
                                          owner_unit=seat.unit, resources=[resource],
                                          milestones=[services_lists.MilestonePlan(f"{name}{label}项目节点")])
        made.append(street)
    return made


def _conference_hidden(user) -> list[str]:
    """Titles of conference records outside the user's scope (they must appear nowhere)."""
    hidden = [c.name for c in JointConference.objects.exclude(pk__in=_visible(user, JointConference).values("pk"))]
    hidden += [t.title for t in ConferenceTask.objects.exclude(pk__in=_visible(user, ConferenceTask).values("pk"))]
    hidden += [m.title for m in ConferenceMeeting.objects.exclude(pk__in=_visible(user, ConferenceMeeting).values("pk"))]
    for model in (Resource, Project, ProjectMilestone):
        hidden += [item.title for item in model.objects.exclude(pk__in=_visible(user, model).values("pk"))]
    return hidden


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_conference_routes_answer_404_outside_scope(conference_records, everyone, role):
    user = getattr(everyone, role)
    client = _client(user)
    hidden = _conference_hidden(user)
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "conference"):
            continue
        model, is_api = kind[1], route.startswith("api/")
        if model is None:
            response = client.get(_fill(route, ""))
            # founding a conference (conference/new/) is a write: 403 to whoever writes to no district or street
            allowed = (200, 302, 403, 404) if route.endswith("new/") else (200, 302, 404)
            assert response.status_code in allowed, (role, route, response.status_code)
            body = response.content.decode()
            for title in hidden:
                assert title not in body, (role, route, title)
            continue
        outsider = _out_of_scope(user, model)
        if outsider is None:
            continue
        for method in ("get", "post"):
            url = _fill(route, outsider.pk)
            response = (client.get(url) if method == "get" else
                        client.post(url, data="{}", content_type="application/json") if is_api else client.post(url))
            body = response.content.decode()
            if response.status_code == 405 or (is_api and response.status_code == 422 and '"missing"' in body):
                continue
            assert response.status_code == 404, (role, method, route, response.status_code)
            assert str(outsider) not in body, (role, route)
            checked += 1
    assert checked or role in ("superuser", "city_admin")


@pytest.mark.django_db
def test_the_liaison_reaches_its_units_conference_work_and_nothing_else(conference_records, liaison):
    """The liaison of 南京梅园新村科技有限公司: its conference and its meetings; of the tasks, only
    its own unit's; the registry and the dashboard stay closed."""
    assert set(scoping.narrow(liaison, JointConference.objects.all()).values_list("name", flat=True)) == {
        "梅园新村街道社区党建联席会"}
    assert set(scoping.narrow(liaison, ConferenceTask.objects.all()).values_list("title", flat=True)) == {
        "梅园新村街道甲单位任务"}
    assert set(scoping.narrow(liaison, ConferenceMeeting.objects.all()).values_list("title", flat=True)) == {
        "梅园新村街道全体成员大会"}
    client = _client(liaison)
    assert client.get("/conference/liaison/").status_code == 200
    assert client.get("/members/transfers/").status_code == 404
    assert client.get(f"/conference/{conference_records[0].conference.pk}/").status_code == 200
    tasks = client.get("/api/v1/conferences/tasks").json()["items"]
    assert [t["title"] for t in tasks] == ["梅园新村街道甲单位任务"]
    # the lists: every need of its conference, only its own unit's resources and projects
    conference = conference_records[0].conference
    api = f"/api/v1/conferences/{conference.pk}"
    assert len(client.get(f"{api}/demands").json()["items"]) == 2
    assert [r["title"] for r in client.get(f"{api}/resources").json()["items"]] == ["梅园新村街道甲单位会议室"]
    assert [p["title"] for p in client.get(f"{api}/projects").json()["items"]] == ["梅园新村街道甲单位牵头项目"]
    mine, theirs = (Project.objects.get(title=f"梅园新村街道{label}单位牵头项目") for label in "甲乙")
    assert client.get(f"/conference/projects/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/conferences/projects/{theirs.pk}").status_code == 404
    # it marks its own project's milestone done, and changes nothing else
    step = mine.milestones.get()
    response = client.post(f"/api/v1/conferences/milestones/{step.pk}/done",
                           {"done_on": datetime.date.today().isoformat()}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status_label"] == "已完成"
    for url, body in ((f"/api/v1/conferences/projects/{mine.pk}/milestones", {"title": "越权节点"}),
                      (f"/api/v1/conferences/milestones/{step.pk}", {"title": "改名", "due_on": None}),
                      (f"/api/v1/conferences/projects/{mine.pk}/status", {"status": "active"})):
        assert client.post(url, body, content_type="application/json").status_code == 403, url
    assert client.post(f"/conference/projects/{mine.pk}/milestones/new/", {"title": "越权"}).status_code == 403
    assert mine.milestones.count() == 1 and Project.objects.get(pk=mine.pk).status == "planned"


# ----------------------------------------------------------------------------- party schools


@pytest.fixture
def school_records(everyone, city):
    """A school in every street (梅园新村街道's is the school administrator's), each with a teacher,
    a plan, and a class held yesterday with one member's attendance."""
    import datetime

    from django.utils import timezone

    from dangjian.members.tests.factories import member
    from dangjian.school import services as school_services
    from dangjian.school.tests.factories import at, school_of

    actor = everyone.superuser
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for index, street in enumerate(city.streets):
        school = school_of(street, "梅园新村街道党校" if street == city.meiyuan else None)
        venue = school_services.venue_save(actor=actor, school=school, name=f"{street.name}报告厅", capacity=50)
        teacher = school_services.teacher_save(actor=actor, school=school, name=f"{street.name[:2]}教员")
        course = school_services.course_save(actor=actor, school=school, title=f"{street.name}党课", hours="2",
                                             teacher=teacher)
        plan = school_services.plan_create(actor=actor, school=school, year=yesterday.year,
                                           title=f"{street.name}计划")
        school_services.plan_add_class(actor=actor, plan=plan, month=yesterday.month, course=course)
        school_services.officer_save(actor=actor, school=school, name=f"{street.name[:2]}校长", position="principal",
                                     term_start=yesterday)
        community = next(area for area in city.communities if area.path.startswith(street.path))
        student = member(actor=actor, organization=city.org(community), name=f"{street.name[:3]}学员",
                         phone=f"1370000000{index}")
        session = school_services.session_schedule(actor=actor, school=school, course=course, venue=venue,
                                                   starts_at=at(yesterday, 9), ends_at=at(yesterday, 11))
        school_services.attendance_mark(actor=actor, session=session, members=[student])
    return PartySchool.objects.all()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_school_routes_answer_404_outside_scope(school_records, everyone, role):
    user = getattr(everyone, role)
    client = _client(user)
    hidden_schools = [s.name for s in PartySchool.objects.exclude(pk__in=_visible(user, PartySchool).values("pk"))]
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "school"):
            continue
        model = kind[1]
        if model is None:
            response = client.get(_fill(route, ""))
            # founding a school (school/new/) is a write: 403 to whoever writes to no street or community
            allowed = (200, 403, 404) if route.endswith("new/") else (200, 404)
            assert response.status_code in allowed, (role, route, response.status_code)
            body = response.content.decode()
            for name in hidden_schools:
                assert name not in body, (role, route, name)
            continue
        outsider = _out_of_scope(user, model)
        if outsider is None:
            continue
        url = _fill(route, outsider.pk)
        for method in ("get", "post"):
            if route.startswith("api/"):
                response = (client.get(url) if method == "get"
                            else client.post(url, data="{}", content_type="application/json"))
                if response.status_code == 405 or (response.status_code == 422 and '"missing"' in
                                                   response.content.decode()):
                    continue
            else:
                response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (role, method, route, response.status_code)
            body = response.content.decode()
            for name in hidden_schools:
                assert name not in body, (role, route, name)
            checked += 1
    assert checked or role in ("superuser", "city_admin")


@pytest.mark.django_db
def test_school_administrator_reaches_its_school_only(school_records, school_admin, street_admin, district_admin):
    """The school's administrator and the area administrators above it see the school's records;
    the school's administrator sees nothing else of the registry."""
    mine = PartySchool.objects.get(name="梅园新村街道党校")
    for user in (school_admin, street_admin, district_admin):
        assert scoping.can_write(user, mine)
        assert set(scoping.narrow(user, ClassSession.objects.all()).values_list("school", flat=True)) >= {mine.pk}
    assert list(scoping.narrow(school_admin, PartySchool.objects.all())) == [mine]
    assert not scoping.narrow(school_admin, Member.objects.all()).exists()
    assert _client(school_admin).get(f"/school/{mine.pk}/members/").status_code == 200


# ----------------------------------------------------------------------------- organizational life


@pytest.fixture
def orglife_records(everyone, city, settings, tmp_path):
    """A meeting with an attachment in every branch of the small city."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.organizations.models import BRANCH_KINDS
    from dangjian.orglife import services as orglife_services

    settings.MEDIA_ROOT = tmp_path
    actor = everyone.superuser
    for branch in PartyOrganization.objects.filter(kind__in=BRANCH_KINDS):
        meeting = orglife_services.meeting_record(actor=actor, organization=branch, kind="theme_day",
                                                  held_on=datetime.date.today(), topic=f"{branch.name}的主题党日",
                                                  host="书记")
        orglife_services.attachment_add(actor=actor, meeting=meeting, upload=SimpleUploadedFile(
            f"{branch.pk}.pdf", b"%PDF-1.4", "application/pdf"))


def _orglife_outsider(user, model):
    from dangjian.organizations.models import BRANCH_KINDS

    if model is PartyOrganization:
        if scoping.is_superuser(user) or scoping.is_city_admin(user):
            return None
        visible = scoping.narrow(user, PartyOrganization.objects.all()).values("pk")
        return PartyOrganization.objects.filter(kind__in=BRANCH_KINDS).exclude(pk__in=visible).order_by("pk").first()
    return _out_of_scope(user, model)


@pytest.fixture
def activity_records(everyone, city):
    """An activity in every community, organised by the community's organization."""
    from dangjian.activities.tests.factories import announced

    for area in city.communities:
        announced(actor=everyone.superuser, city=city, community=area, title=f"{area.name}的志愿服务")


def _check_app_routes(user, role, app: str, hidden: list[str]) -> None:
    client = _client(user)
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == app):
            continue
        model = kind[1]
        if model is None:
            response = client.get(_fill(route, ""))
            assert response.status_code in (200, 403, 404), (role, route, response.status_code)
            body = response.content.decode()
            for text in hidden:
                assert text not in body, (role, route, text)
            continue
        outsider = _orglife_outsider(user, model)
        if outsider is None:
            continue
        url = _fill(route, outsider.pk).replace("<str:fmt>", "xlsx")
        for method in ("get", "post", "put"):
            response = (client.get(url) if method == "get" else getattr(client, method)(
                url, data=("[]" if route.endswith("attendance") else "{}") if "api/" in route else "",
                content_type="application/json"))
            body = response.content.decode() if not response.streaming else ""
            if response.status_code == 405 or (response.status_code == 422 and '"missing"' in body):
                continue
            assert response.status_code == 404, (role, method, url, response.status_code)
            assert str(outsider) not in body
            checked += 1
    assert checked or role in ("superuser", "city_admin")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_orglife_and_activity_routes_answer_404_outside_scope(orglife_records, activity_records, everyone, role):
    user = getattr(everyone, role)
    hidden = [m.topic for m in OrgLifeMeeting.objects.exclude(pk__in=_visible(user, OrgLifeMeeting).values("pk"))]
    _check_app_routes(user, role, "orglife", hidden)
    hidden = [a.title for a in Activity.objects.exclude(pk__in=_visible(user, Activity).values("pk"))]
    _check_app_routes(user, role, "activities", hidden)


@pytest.mark.django_db
def test_activity_member_pages_serve_members_only_and_only_what_is_around_them(
        portal_members, activity_records, everyone):
    """A member sees the activities of their own street; another street's activity is 404 on
    every member route; every staff role gets 404 from the member pages."""
    accounts, _notices = portal_members
    me = accounts["here"]  # 大行宫社区党支部 (梅园新村街道)
    session = _client(me.user)
    here = Activity.objects.get(title="大行宫社区的志愿服务")
    far = Activity.objects.get(title="秦虹社区的志愿服务")
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "activities_member"):
            continue
        if kind[1] is None:
            response = session.get(_fill(route, ""))
            assert response.status_code == 200, route
            assert far.title not in response.content.decode()
        else:
            assert session.get(_fill(route, here.pk)).status_code in (200, 405), route
            for method in ("get", "post"):
                response = getattr(session, method)(_fill(route, far.pk))
                assert response.status_code in (404, 405), (route, method, response.status_code)
                assert far.title not in response.content.decode()
        for role in ROLES:
            staff = _client(getattr(everyone, role))
            assert staff.get(_fill(route, here.pk)).status_code == 404, (role, route)


# ----------------------------------------------------------------------------- API


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_routes_answer_404_outside_scope(everyone, role):
    checked = _api_routes_checked(getattr(everyone, role), role)
    assert checked or role in ("superuser", "city_admin")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_member_import_api_answers_404_outside_scope(member_records, everyone, role):
    """The import batches (one per district, ``member_records``) through /api/v1/member-imports."""
    checked = _api_routes_checked(getattr(everyone, role), role, segment="member-imports")
    assert checked or role in ("superuser", "city_admin")


def _api_routes_checked(user, role: str, *, segment: str | None = None) -> int:
    """Every API route (of ``segment`` only, when given): lists leak nothing outside the user's
    scope, and an out-of-scope id answers 404 to GET, PATCH and POST. Returns the ids checked."""
    client = _client(user)
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "api"):
            continue
        if segment is not None and route.removeprefix("api/v1/").split("/")[0] != segment:
            continue
        model = kind[1]
        if "<" not in route and "{" not in route:
            response = client.get(_fill(route, ""))
            assert response.status_code in (200, 405), (role, route, response.status_code)
            if response.status_code == 200 and model in (Area, PartyOrganization, Unit):
                body = response.content.decode()
                for hidden in _hidden_names(user, model):
                    assert f'"{hidden}"' not in body, (role, route, hidden)
            if response.status_code == 200 and model is ImportBatch and route.endswith("member-imports"):
                listed = {item["id"] for item in response.json()}
                assert listed <= set(_visible(user, ImportBatch).values_list("pk", flat=True)), (role, route)
            continue
        outsider = _out_of_scope(user, model)
        if outsider is None:
            continue
        url = _fill(route, outsider.pk)
        for method in ("get", "patch", "post"):
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, data="{}", content_type="application/json")
            if response.status_code == 405:
                continue
            body = response.content.decode()
            if response.status_code == 422 and '"missing"' in body:
                continue  # the request's shape is refused before any lookup: the same for every id
            assert response.status_code in (404, 403) if model is ApiToken else response.status_code == 404, (
                role, method, url, response.status_code)
            assert str(outsider) not in response.content.decode()
            checked += 1
    return checked


@pytest.mark.django_db
def test_matrix_users_cover_every_role(everyone):
    """Each role of the product appears in the matrix."""
    from dangjian.accounts.models import Role

    held = {grant.role for user in everyone.all().values() for grant in scoping.grants_for(user)}
    # The instructor's grants come from the coverage app's assignments (a grant source).
    assert set(Role.values) <= held
    assert User.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_organization_admin_reads_but_never_writes_areas_and_units(city, org_admin):
    """An organization grant reaches the areas and units its organizations sit in read-only."""
    # fresh rows: sorted inserts shift sibling paths after the fixture built them
    street = Area.objects.get(pk=city.xinjiekou.pk)
    unit = Unit.objects.get(pk=city.unit(street).pk)
    assert scoping.can_see(org_admin, street) and not scoping.can_write(org_admin, street)
    assert scoping.can_see(org_admin, unit) and not scoping.can_write(org_admin, unit)
    assert not scoping.narrow(org_admin, Area.objects.filter(pk=street.pk), write=True).exists()
    assert scoping.can_write(org_admin, PartyOrganization.objects.get(pk=city.org(street).pk))


# ----------------------------------------------------------------------------- the member role


@pytest.fixture
def portal_members(everyone, city):
    """Two member accounts in different districts, each with a notice of their own organization."""
    from dangjian.members.tests.factories import member
    from dangjian.notices.services import notice_post
    from dangjian.portal.tests.factories import activated

    actor = everyone.superuser
    here = member(actor=actor, organization=city.org(city.dahanggong), name="门户甲", phone="13911110001")
    there = member(actor=actor, organization=city.org(city.fuzimiao), name="门户乙", phone="13911110002")
    accounts = {"here": activated(actor=actor, member=here), "there": activated(actor=actor, member=there)}
    notices = {key: notice_post(actor=actor, title=f"{account.member.name}的通知", body="……",
                                organization=account.member.organization) for key, account in accounts.items()}
    return accounts, notices


def _portal_token(member) -> str:
    from dangjian.portal.services import api_token_issue

    return api_token_issue(user=member.portal_account.user)[1]


@pytest.mark.django_db
def test_member_role_reaches_no_back_office_route(portal_members, member_records):
    """A member account (no role, not staff) gets the sign-in page or 401 everywhere in the back office,
    with its session and with its portal token."""
    accounts, _notices = portal_members
    account = accounts["here"]
    client = _client(account.user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {_portal_token(account.member)}"}
    checked = 0
    for route in _route_strings():
        kind = _classify(route)
        if not isinstance(kind, tuple) and kind != "dashboard":
            continue
        if (isinstance(kind, tuple) and kind[0] in ("portal", "activities_member")) or route.endswith("/jsi18n/"):
            continue  # the admin's translation catalog is the same for everyone
        model = kind[1] if isinstance(kind, tuple) else None
        # Fill an id with the member's own record where the route is about members, else any object's.
        obj = account.member if model is Member else (model.objects.order_by("pk").first() if model else None)
        url = _fill(route, obj.pk if obj is not None else 1)
        response = client.get(url)
        if route.startswith("api/"):
            assert response.status_code in (401, 405), (route, response.status_code)
            token_response = Client().get(url, **bearer)
            assert token_response.status_code in (401, 405), (route, token_response.status_code)
        else:
            assert response.status_code == 302 and "/admin/login/" in response.url, (route, response.status_code)
        checked += 1
    assert checked > 50


@pytest.mark.django_db
def test_member_role_sees_only_its_own_records_in_the_portal(portal_members):
    accounts, notices = portal_members
    me, other = accounts["here"], accounts["there"]
    session = _client(me.user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {_portal_token(me.member)}"}
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "portal"):
            continue
        is_api = route.startswith("api/")
        get = (lambda url: Client().get(url, **bearer)) if is_api else session.get
        if kind[1] is None:
            response = get(_fill(route, ""))
            assert response.status_code in (200, 405), (route, response.status_code)
            assert other.member.name not in response.content.decode(errors="replace"), route  # .xlsx too
            continue
        mine = get(_fill(route, notices["here"].pk))
        assert mine.status_code == 200, (route, mine.status_code)
        # changing the id in the URL to another member's notice: 404 that reveals nothing
        theirs = get(_fill(route, notices["there"].pk))
        assert theirs.status_code == 404, (route, theirs.status_code)
        assert notices["there"].title not in theirs.content.decode()
        if not is_api:
            assert session.post(_fill(route, notices["there"].pk)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_roles_get_nothing_from_the_portal(portal_members, everyone, role):
    """The portal serves member accounts only: a back-office user is refused on every route."""
    _accounts, notices = portal_members
    client = _client(getattr(everyone, role))
    for route in _route_strings():
        kind = _classify(route)
        if not (isinstance(kind, tuple) and kind[0] == "portal"):
            continue
        response = client.get(_fill(route, notices["here"].pk))
        expected = (401, 405) if route.startswith("api/") else (404,)
        assert response.status_code in expected, (role, route, response.status_code)
        assert "门户甲" not in response.content.decode()

"""Compliance checks over the member registry (RULES.md: ORG-03, ORG-04, MEM-01, MEM-03, MEM-04,
MEM-06, MEM-08).

A rule warns; it never changes a record. Every threshold is read from
``settings.DANGJIAN_RULES`` (with the default of RULES.md where a key is not set yet). Each
check is one or two queries over the scope, so the dashboard can run them all.
"""

import datetime

from django.conf import settings
from django.db.models import Count, DateField, Exists, Func, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from dangjian.accounts import scoping
from dangjian.core.periods import add_months
from dangjian.core.registry import Finding, Severity, rules
from dangjian.members import care
from dangjian.members.metrics import narrow_members
from dangjian.members.models import (
    CareVisit,
    FloatingDirection,
    FloatingRecord,
    Member,
    MemberStatus,
    Standing,
    Transfer,
    TransferStatus,
)
from dangjian.organizations.models import BRANCH_KINDS


def _setting(key: str, default):
    return settings.DANGJIAN_RULES.get(key, default)


def scoped_members(scope):
    """Members on the roll in the scope (their organization's area under the focus)."""
    return narrow_members(scope, Member.objects.filter(standing=Standing.ACTIVE))


def _scoped_either_side(scope, queryset, area_prefixes: tuple[str, ...]):
    """A record seen from two organizations (a letter, a floating record): narrowed to the
    actor's scope, then focused on either side's area (the focus alone where it implies the
    scope)."""
    if not scoping.sees_all_under(scope.actor, queryset.model, scope.focus_area, area_prefixes):
        queryset = scoping.narrow(scope.actor, queryset)
    if scope.focus_area is not None:
        queryset = scoping.under_area(queryset, scope.focus_area, area_prefixes)
    return queryset


_PK = 987654321


def _url_maker(name: str):
    """pk → the admin page of that record; reverse() once per check, not once per finding
    (hundreds of findings are common). None when the page is not mounted (yet)."""
    try:
        template = reverse(name, args=[_PK])
    except NoReverseMatch:
        return lambda pk: None
    return lambda pk: template.replace(str(_PK), str(pk))


def _member_urls():
    return _url_maker("admin:members_member_change")


def _organization_urls():
    return _url_maker("admin:organizations_partyorganization_change")


def _months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


# ---------------------------------------------------------------- organizations sized by members


def _branches_counting(scope, **member_conditions):
    """The active branches in scope, each annotated with ``n``: its members on the roll that
    meet ``member_conditions`` (one GROUP BY over the member_org_pinyin index)."""
    condition = Q(members__standing=Standing.ACTIVE, **{f"members__{k}": v for k, v in member_conditions.items()})
    return (scope.organizations().filter(kind__in=BRANCH_KINDS, is_active=True)
            .annotate(n=Count("members", filter=condition)).only("pk", "name", "path").order_by("path"))


@rules.register(
    code="ORG-03",
    title="党支部党员人数超过规定",
    citation="《中国共产党支部工作条例（试行）》（2018）第四条：党支部党员人数一般不超过50人（RULES.md ORG-03）",
    severity=Severity.WARNING,
    action="研究是否按工作需要分设党支部；党员50至100人的可成立党总支（须经上级党组织批准）。",
)
def branch_too_large(scope, on_date: datetime.date):
    limit = _setting("BRANCH_MAX_MEMBERS", 50)
    url = _organization_urls()
    for organization in _branches_too_large(scope, limit):
        yield Finding(
            rule_code="ORG-03",
            message=f"{organization.name}有党员{organization.n}名，超过一般不超过{limit}名的规定。",
            subject=organization,
            anchor_label=organization.name,
            records_url=url(organization.pk),
            detail={"members": organization.n, "limit": limit},
        )


def _branches_too_large(scope, limit: int):
    return _branches_counting(scope).filter(n__gt=limit)


def _branch_counts(scope) -> dict[str, int]:
    """ORG-03's and ORG-04's counts from one GROUP BY of the scope's branches (memoised on the
    scope, as the dashboard reads both)."""
    memo = vars(scope)
    if "_branch_rule_counts" not in memo:
        active = Q(members__standing=Standing.ACTIVE)
        branches = (scope.organizations().filter(kind__in=BRANCH_KINDS, is_active=True).order_by()
                    .annotate(n=Count("members", filter=active),
                              n_full=Count("members", filter=active & Q(members__status=MemberStatus.FULL))))
        memo["_branch_rule_counts"] = branches.aggregate(
            too_large=Count("pk", filter=Q(n__gt=_setting("BRANCH_MAX_MEMBERS", 50))),
            without_secretary=Count("pk", filter=Q(secretary_name="", n_full__gte=1)))
    return memo["_branch_rule_counts"]


@rules.counts("ORG-03")
def count_branches_too_large(scope, on_date: datetime.date) -> int:
    return _branch_counts(scope)["too_large"]


@rules.register(
    code="ORG-04",
    title="党支部未登记书记或支部委员会（按是否登记书记近似判断）",
    citation="《中国共产党支部工作条例（试行）》（2018）第六章：正式党员7人以上的党支部设立支部委员会，"
             "一般由3至5人组成；不足7人的不设委员会，设书记1名（RULES.md ORG-04）",
    severity=Severity.WARNING,
    action="核实后登记支部书记；正式党员7人以上而未设支部委员会的，召开党员大会选举产生支部委员会，"
           "不足7人的选举产生书记。",
)
def branch_without_leadership(scope, on_date: datetime.date):
    """The system records a branch's secretary but not its committee members (yet). A branch
    with full members and no secretary recorded certainly has no recorded leadership: that is
    what is flagged. A branch with a secretary but no elected committee cannot be seen from
    the data we hold, so it is not flagged (the title says so)."""
    threshold = _setting("BRANCH_COMMITTEE_FROM_FULL_MEMBERS", 7)
    branches = _branches_without_secretary(scope)
    url = _organization_urls()
    for organization in branches:
        full = organization.n
        if full >= threshold:
            message = (f"{organization.name}有正式党员{full}名，应设立支部委员会（一般3至5人），"
                       f"但系统中未登记书记，无法确认已设立支部委员会。")
        else:
            message = f"{organization.name}有正式党员{full}名，应设书记1名，但系统中未登记书记。"
        yield Finding(
            rule_code="ORG-04",
            message=message,
            subject=organization,
            anchor_label=organization.name,
            records_url=url(organization.pk),
            detail={"full_members": full, "needs_committee": full >= threshold},
        )


def _branches_without_secretary(scope):
    return _branches_counting(scope, status=MemberStatus.FULL).filter(secretary_name="", n__gte=1)


@rules.counts("ORG-04")
def count_branches_without_leadership(scope, on_date: datetime.date) -> int:
    return _branch_counts(scope)["without_secretary"]


# ---------------------------------------------------------------- members


@rules.register(
    code="MEM-01",
    title="预备党员预备期已满未转正",
    citation="《中国共产党章程》第七条：预备期为一年；党组织对预备期满的党员应当认真讨论，"
             "需要继续考察的可延长预备期，但不能超过一年（RULES.md MEM-01）",
    severity=Severity.WARNING,
    action="预备期满及时召开支部党员大会讨论转正；需要继续考察的作出延长预备期的决议并报上级批准，"
           "延长期满仍不具备条件的，取消预备党员资格。",
)
def probation_overdue(scope, on_date: datetime.date):
    """Probation ends one year after joining (the branch vote). Past that a warning; past the
    longest extension (default 1 more year, PROBATION_MAX_EXTENSION_MONTHS) serious. The
    system has no record of an extension decision, so both are reported."""
    extension = _setting("PROBATION_MAX_EXTENSION_MONTHS", 12)
    candidates = _probation_ended(scope, on_date).select_related("organization").order_by("joined_on", "id")
    url = _member_urls()
    for member in candidates:
        ends_on = add_months(member.joined_on, 12)
        last_day = add_months(member.joined_on, 12 + extension)
        if on_date > last_day:
            severity = Severity.SERIOUS
            message = (f"{member.name}（{member.organization.name}）{member.joined_on:%Y年%m月%d日}入党，"
                       f"预备期含最长延长期已于{last_day:%Y年%m月%d日}届满，仍为预备党员。")
        else:
            severity = Severity.WARNING
            message = (f"{member.name}（{member.organization.name}）预备期已于{ends_on:%Y年%m月%d日}届满，"
                       f"尚未转正；如已决定延长预备期，最长至{last_day:%Y年%m月%d日}。")
        yield Finding(
            rule_code="MEM-01",
            message=message,
            subject=member,
            anchor_label=member.organization.name,
            records_url=url(member.pk),
            detail={"severity": severity, "probation_ended_on": ends_on.isoformat()},
        )


def _probation_ended_condition(on_date: datetime.date) -> Q:
    # Past the end of probation ⇔ joined_on + 12 months < on_date.
    return Q(status=MemberStatus.PROBATIONARY, joined_on__lt=add_months(on_date, -12))


def _probation_ended(scope, on_date: datetime.date):
    return scoped_members(scope).filter(_probation_ended_condition(on_date))


def _member_counts(scope, on_date: datetime.date) -> dict[str, int]:
    """MEM-01's and MEM-03's counts from one pass over the scope's members (memoised on the
    scope and day; the dashboard's member summary leaves them here)."""
    memo = vars(scope).setdefault("_member_rule_counts", {})
    if on_date not in memo:
        memo[on_date] = scoped_members(scope).aggregate(
            **{name: Count("pk", filter=condition) for name, condition in member_rule_conditions(on_date).items()})
    return memo[on_date]


def member_rule_conditions(on_date: datetime.date) -> dict[str, Q]:
    """{count name: condition} of MEM-01 and MEM-03 over members on the roll: tests of the
    members' own columns, so the dashboard's member summary (members.metrics) counts them in
    its pass over the same members and leaves the counts where :func:`_member_counts` finds
    them. MEM-08 looks up visits: in that pass it tripled the pass's time; it counts apart."""
    return {"probation": _probation_ended_condition(on_date), "lost_contact": _lost_contact_condition(on_date)}


@rules.counts("MEM-01")
def count_probation_overdue(scope, on_date: datetime.date) -> int:
    return _member_counts(scope, on_date)["probation"]


@rules.register(
    code="MEM-03",
    title="失联党员",
    citation="《中国共产党党员教育管理工作条例》（2019）第二十四条：失去联系6个月以上的，党组织可以停止其党籍；"
             "停止党籍2年后确实无法取得联系的，按照自行脱党予以除名（RULES.md MEM-03）",
    severity=Severity.WARNING,
    action="继续多方查找并登记联系情况；失联满6个月的，由党组织研究是否停止其党籍；停止党籍2年后仍无法"
           "联系的，研究按自行脱党除名。系统不会自动变更党籍状态。",
)
def lost_contact(scope, on_date: datetime.date):
    """Lost contact: under 6 months a reminder, 6 months on consider suspension, and 2 more
    years on (the suspension itself is not recorded yet) consider removal."""
    finding_months = _setting("LOST_CONTACT_FINDING_MONTHS", 6)
    removal_years = _setting("LOST_CONTACT_REMOVAL_YEARS", 2)
    members = _lost_contact_members(scope, on_date).select_related("organization").order_by("lost_contact_since", "id")
    url = _member_urls()
    for member in members:
        since = member.lost_contact_since
        months = _months_between(since, on_date)
        suspend_from = add_months(since, finding_months)
        remove_from = add_months(suspend_from, 12 * removal_years)
        who = f"{member.name}（{member.organization.name}）自{since:%Y年%m月%d日}失去联系"
        if on_date >= remove_from:
            severity = Severity.SERIOUS
            message = f"{who}，已{months}个月；停止党籍{removal_years}年后仍无法联系的，应研究按自行脱党予以除名。"
        elif on_date >= suspend_from:
            severity = Severity.WARNING
            message = f"{who}，已{months}个月（满{finding_months}个月），党组织应研究是否停止其党籍。"
        else:
            severity = Severity.INFO
            message = f"{who}，已{months}个月，请继续查找。"
        yield Finding(
            rule_code="MEM-03",
            message=message,
            subject=member,
            anchor_label=member.organization.name,
            records_url=url(member.pk),
            detail={"severity": severity, "months": months},
        )


def _lost_contact_condition(on_date: datetime.date) -> Q:
    return Q(lost_contact_since__isnull=False, lost_contact_since__lte=on_date)


def _lost_contact_members(scope, on_date: datetime.date):
    return scoped_members(scope).filter(_lost_contact_condition(on_date))


@rules.counts("MEM-03")
def count_lost_contact(scope, on_date: datetime.date) -> int:
    return _member_counts(scope, on_date)["lost_contact"]


@rules.register(
    code="MEM-04",
    title="流动党员6个月以上未联系",
    citation="中共中央办公厅《关于加强新时代流动党员教育管理的意见》（2024）；《中国共产党党员教育管理"
             "工作条例》（2019）第二十四条（RULES.md MEM-04、MEM-03）",
    severity=Severity.WARNING,
    action="流出地党组织应主动联系并登记联系情况，流入地党组织协助；确实无法取得联系的，按失联党员登记（MEM-03）。",
)
def floating_without_contact(scope, on_date: datetime.date):
    """Open floating records (out and in) whose last contact (or start) is 6+ months back."""
    months = _setting("FLOATING_NO_CONTACT_MONTHS", 6)
    records = _floating_out_of_contact(scope, on_date, months)
    records = records.select_related("member__organization", "host_organization").order_by("last_contact", "id")
    url = _url_maker("members:floating_contact")  # where the contact is recorded
    for record in records:
        if record.direction == FloatingDirection.OUTFLOW:
            who = f"{record.member.name}（{record.member.organization.name}，流出至{record.place}）"
            anchor = record.member.organization.name
        else:
            name = record.member.name if record.member_id else record.outside_name
            who = f"{name}（由{record.place}流入，{record.host_organization.name}协助管理）"
            anchor = record.host_organization.name
        yield Finding(
            rule_code="MEM-04",
            message=f"流动党员{who}最近一次联系在{record.last_contact:%Y年%m月%d日}，已{months}个月以上未联系。",
            subject=record,
            anchor_label=anchor,
            records_url=url(record.pk),
            detail={"last_contact_on": record.last_contact.isoformat()},
        )


def _floating_out_of_contact(scope, on_date: datetime.date, months: int):
    records = (FloatingRecord.objects.filter(ended_on__isnull=True, started_on__lte=on_date)
               .annotate(last_contact=Coalesce("last_contact_on", "started_on"))
               .filter(last_contact__lte=add_months(on_date, -months))
               .filter(Q(member__isnull=True) | Q(member__standing=Standing.ACTIVE)))
    return _scoped_either_side(scope, records, ("member__organization__area__", "host_organization__area__"))


@rules.counts("MEM-04")
def count_floating_without_contact(scope, on_date: datetime.date) -> int:
    return _floating_out_of_contact(scope, on_date, _setting("FLOATING_NO_CONTACT_MONTHS", 6)).count()


@rules.register(
    code="MEM-06",
    title="组织关系介绍信过期未接收",
    citation="组织关系转接工作规程：介绍信有效期以信上载明为准（默认90天），党员应在有效期内报到"
             "（RULES.md MEM-06，地方实践）；《中国共产党党员教育管理工作条例》（2019）第二十五条",
    severity=Severity.WARNING,
    action="与转入方和党员本人核实报到情况；原介绍信作废退回，需要转接的重新开具。在接收前，转出党组织仍负责管理该党员。",
)
def transfer_letter_expired(scope, on_date: datetime.date):
    """A letter marked expired, or still issued past its validity (the daily expiry job has not
    run yet), with no later letter for the same member."""
    letters = _letters_possibly_expired(scope, on_date).select_related("member", "from_organization", "to_organization").order_by("issued_on", "id")
    url = _member_urls()  # the member's page lists their letters
    for letter in letters:
        expires_on = letter.expires_on
        if letter.status == TransferStatus.ISSUED and expires_on >= on_date:
            continue  # still valid
        destination = letter.to_organization.name if letter.to_organization_id else letter.to_outside
        source = letter.from_organization.name if letter.from_organization_id else letter.from_outside
        yield Finding(
            rule_code="MEM-06",
            message=(f"{letter.member.name}的组织关系介绍信（{letter.letter_number}，{source}→{destination}）"
                     f"有效期至{expires_on:%Y年%m月%d日}，已过期未接收。"),
            subject=letter,
            anchor_label=source,
            records_url=url(letter.member_id),
            detail={"expires_on": expires_on.isoformat()},
        )


def _letters_possibly_expired(scope, on_date: datetime.date):
    later = Transfer.objects.filter(member=OuterRef("member"), pk__gt=OuterRef("pk"))
    letters = (Transfer.objects.filter(Q(status=TransferStatus.EXPIRED)
                                       | Q(status=TransferStatus.ISSUED, issued_on__lt=on_date))
               .filter(member__standing=Standing.ACTIVE, issued_on__lte=on_date)
               .exclude(Exists(later)))
    return _scoped_either_side(scope, letters, ("from_organization__area__", "to_organization__area__"))


class _DaysAfter(Func):
    """``date + n days`` for a column n (Transfer.expires_on in SQL)."""

    arity = 2
    output_field = DateField()
    template = "(%(expressions)s)"
    arg_joiner = " + "  # PostgreSQL: date + integer

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="date(%(expressions)s || ' days')",
                           arg_joiner=", '+' || ", **extra_context)


@rules.counts("MEM-06")
def count_transfer_letters_expired(scope, on_date: datetime.date) -> int:
    still_valid = Q(status=TransferStatus.ISSUED, expires_on__gte=on_date)
    return (_letters_possibly_expired(scope, on_date).annotate(expires_on=_DaysAfter("issued_on", "valid_days"))
            .exclude(still_valid).count())


@rules.register(
    code="MEM-08",
    title="关爱对象走访逾期",
    citation="社区对离退休、下岗失业、流动和困难党员的走访慰问制度（周期由社区设置，默认离退休和下岗失业"
             "每半年、困难党员和流动党员每季度；RULES.md MEM-08，地方实践，可配置）",
    severity=Severity.INFO,
    action="安排走访慰问并登记走访情况和帮扶措施。",
)
def care_visit_overdue(scope, on_date: datetime.date):
    """Care-group members due for a visit (members.care.visits_due). Who cannot be due is
    dropped in SQL first, conservatively: anyone visited within the shortest cadence any
    community sets for any group, and off-post members (not in difficulty, not away) visited
    within the shortest cadence for retired and laid-off members."""
    members = _care_candidates(scope, on_date, care.cadence_rows()).only(
        "pk", "name", "employment", "has_difficulty", "created_at", "organization__name", "organization__area__path")
    url = _member_urls()
    for due in care.visits_due(members, on_date=on_date):
        member = due.member
        if due.last_visit_on:
            when = f"上次走访{due.last_visit_on:%Y年%m月%d日}，应于{due.due_on:%Y年%m月%d日}前再次走访"
        else:
            when = "尚无走访记录"
        overdue_days = (on_date - due.due_on).days
        yield Finding(
            rule_code="MEM-08",
            message=f"{member.name}（{due.group_labels}，每{due.every_months}个月走访）{when}。",
            subject=member,
            anchor_label=member.organization.name,
            records_url=url(member.pk),
            detail={"due_on": due.due_on.isoformat(), "overdue_days": overdue_days,
                    "severity": Severity.WARNING if overdue_days > 30 * due.every_months else Severity.INFO},
        )


def _care_candidates(scope, on_date: datetime.date, cadences: list[tuple[str, str, int]]):
    """Who may be due; who cannot be is dropped in SQL (see care_visit_overdue)."""
    defaults = settings.DANGJIAN_RULES["CARE_VISIT_MONTHS"]
    set_here = [(group, months) for _path, group, months in cadences]
    shortest = {group: min([months, *(m for g, m in set_here if g == group)]) for group, months in defaults.items()}
    any_group = min(shortest.values())
    off_post = min(shortest.get("retired", any_group), shortest.get("laid_off", any_group))

    def visited_within(months):
        # Not "after on_date − months": month-end clamping makes someone visited on 31 August
        # due on 28 February, six months "within" (the count test found it).
        return Exists(CareVisit.objects.filter(member=OuterRef("pk"),
                                               visited_on__gt=care.latest_visit_still_due(months, on_date)))

    away = Exists(FloatingRecord.objects.filter(member=OuterRef("pk"), direction=FloatingDirection.OUTFLOW,
                                                ended_on__isnull=True))
    members = scoped_members(scope).filter(joined_on__lte=on_date).exclude(visited_within(any_group))
    if off_post > any_group:
        members = members.exclude(visited_within(off_post), ~away, has_difficulty=False)
    return members


@rules.counts("MEM-08")
def count_care_visits_overdue(scope, on_date: datetime.date) -> int:
    # Not the candidates of the check: its SQL shortcuts cost a visit lookup per member, and
    # the condition settles most members on their columns alone.
    due = Q(joined_on__lte=on_date) & care.visits_due_condition(on_date=on_date, cadences=care.cadence_rows())
    return scoped_members(scope).filter(due).count()

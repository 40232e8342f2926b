"""LIFE-01…07: a branch that let a period pass without the meeting RULES.md asks for.

The frequencies are data (``settings.DANGJIAN_RULES["ORGLIFE_FREQUENCIES"]``); each rule looks
at the last 12 months of whole periods before ``on_date`` (12 months, 4 quarters or the previous
year) and yields one finding per branch that missed at least one of them, naming the periods.
The seven rules share one pass over the scope's branches and held meetings, memoised on the
Scope for the date; the counts read the same pass without building findings (a missed period
is the absence of a row, which no single aggregate can count). A rule flags; it never acts.
"""

import datetime

from django.urls import reverse

from dangjian.core.registry import Finding, Severity, rules
from dangjian.organizations.models import BRANCH_KINDS
from dangjian.orglife.compliance import FREQUENCY_LABELS, RULE_OF_KIND, branch_facts, frequency, misses
from dangjian.orglife.models import MeetingKind, OrgLifeMeeting

_MEMO = "_orglife_misses"
_PK = 987654321

CITATIONS = {
    "LIFE-01": "《中国共产党支部工作条例（试行）》第十一条：支部党员大会一般每季度召开1次（RULES.md LIFE-01）",
    "LIFE-02": "《中国共产党支部工作条例（试行）》第十二条：支部委员会会议一般每月召开1次（RULES.md LIFE-02；"
               "设支委会的支部，按 ORG-04 即正式党员7人以上）",
    "LIFE-03": "《中国共产党支部工作条例（试行）》第十三条：党小组会一般每月召开1次（RULES.md LIFE-03，设有党小组的支部）",
    "LIFE-04": "《中国共产党支部工作条例（试行）》第十五、十六条：党课（全国无统一频次，本地做法默认每季度1次，"
               "可在 DANGJIAN_RULES.ORGLIFE_FREQUENCIES 中配置；RULES.md LIFE-04）",
    "LIFE-05": "《中国共产党支部工作条例（试行）》第十六条：每月相对固定1天开展主题党日（RULES.md LIFE-05）",
    "LIFE-06": "《中国共产党支部工作条例（试行）》第十七条：组织生活会一般每年召开1次（RULES.md LIFE-06）",
    "LIFE-07": "《中国共产党支部工作条例（试行）》第十九条：民主评议党员一般每年开展1次，可与组织生活会结合（RULES.md LIFE-07）",
}
ACTIONS = {
    "LIFE-02": "支部书记按月召集支委会；无法召开的，说明原因并尽快补开。",
}
DEFAULT_ACTION = "提醒支部按规定频次召开并如实登记会议记录和出勤；确因特殊情况未开的，说明原因并及时补开。"


def _branches(scope):
    return scope.organizations().filter(kind__in=BRANCH_KINDS, is_active=True)


def scope_misses(scope, on_date: datetime.date) -> dict:
    """The shared pass: {rule code: [Miss]} for the scope on ``on_date`` (memoised on the Scope)."""
    memo = getattr(scope, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(scope, _MEMO, memo)
    if on_date not in memo:
        memo[on_date] = misses(branch_facts(_branches(scope)), OrgLifeMeeting.objects.all(), on_date)
    return memo[on_date]


def _register(code: str, kind: str):
    label = MeetingKind(kind).label

    def check(scope, on_date: datetime.date):
        template = reverse("orglife:calendar", args=[_PK])
        for miss in scope_misses(scope, on_date)[code]:
            names = "、".join(period.label for period in miss.periods)
            yield Finding(
                rule_code=code,
                message=(f"{miss.branch.name}近期有{len(miss.periods)}期未召开{label}"
                         f"（{FREQUENCY_LABELS[frequency(kind)]}1次）：{names}。"),
                subject=miss.branch.as_organization(),
                anchor_label=miss.branch.area_name,
                records_url=template.replace(str(_PK), str(miss.branch.pk)),
                detail={"kind": kind, "missed": [period.label for period in miss.periods]},
            )

    def count(scope, on_date: datetime.date) -> int:
        return len(scope_misses(scope, on_date)[code])

    rules.register(code=code, title=f"未按规定召开{label}", citation=CITATIONS[code], severity=Severity.WARNING,
                   action=ACTIONS.get(code, DEFAULT_ACTION))(check)
    rules.counts(code)(count)


for _kind, _code in RULE_OF_KIND.items():
    _register(_code, _kind)

"""The metric registry and the rule registry (ARCHITECTURE.md, "load-bearing mechanisms").

Apps register in their own ``metrics.py`` / ``rules.py``; CoreConfig.ready() imports those
modules. The dashboard, the organization health check, assessment and exports read the
registries, so every number and every finding the city sees has one computation.

A *scope* is whatever ``dangjian.accounts.scoping.Scope`` is: an actor plus, optionally, the
area being looked at. Core only stores callables and knows nothing of it (floors point down).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

Number = int | float | Decimal


class Severity:
    INFO = "info"
    WARNING = "warning"
    SERIOUS = "serious"

    LABELS = {INFO: "提示", WARNING: "预警", SERIOUS: "严重"}
    ORDER = {SERIOUS: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    compute: Callable[[Any, Any], Number | dict[str, Number] | None]
    description: str = ""
    # A breakdown metric returns {label: number}; a plain one returns a number.
    breakdown: bool = False
    # Link to the scoped records behind the figure: callable(scope) -> url or None.
    records_url: Callable[[Any], str | None] | None = None
    # Optional: the figure for each of some sibling areas under the scope in one query,
    # callable(scope, period, areas) -> {area.pk: value}; equal to compute() with the scope
    # focused on each area (the dashboard's comparison of children).
    by_area: Callable[[Any, Any, list], dict] | None = None

    def compute_by_area(self, scope, period, areas, scope_for) -> dict:
        """{area.pk: value} for ``areas``; ``scope_for(area)`` makes the focused scope when the
        metric has no ``by_area`` and is computed area by area."""
        if self.by_area is not None:
            return self.by_area(scope, period, areas)
        return {area.pk: self.compute(scope_for(area), period) for area in areas}


@dataclass(frozen=True)
class Finding:
    rule_code: str
    message: str
    subject: Any  # the model instance the finding is about
    # The organization or area the finding is grouped under on the health check page.
    anchor_label: str = ""
    records_url: str | None = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    citation: str
    severity: str
    check: Callable[[Any, datetime.date], Iterable[Finding]]
    action: str = ""  # the recommended action a person takes; a rule never acts by itself
    # How many findings ``check`` would yield, as one SQL aggregate (the dashboard's summary).
    # A rule without one is counted by running its check.
    counter: Callable[[Any, datetime.date], int] | None = None

    def __post_init__(self):
        if not self.citation:
            raise ValueError(f"rule {self.code} has no citation: nothing is flagged without one")

    def count(self, scope, on_date: datetime.date) -> int:
        """The number of findings in ``scope`` on ``on_date``, without building them."""
        if self.counter is not None:
            return self.counter(scope, on_date)
        return sum(1 for _finding in self.check(scope, on_date))


class _Registry:
    kind = "entry"

    def __init__(self):
        self._entries: dict[str, Any] = {}

    def add(self, entry):
        key = self._key(entry)
        if key in self._entries and self._entries[key] is not entry:
            raise ValueError(f"{self.kind} {key!r} is registered twice")
        self._entries[key] = entry
        return entry

    def get(self, key: str):
        return self._entries[key]

    def all(self) -> list:
        return [self._entries[k] for k in sorted(self._entries)]

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)


class MetricRegistry(_Registry):
    kind = "metric"

    @staticmethod
    def _key(entry: Metric) -> str:
        return entry.key

    def register(self, *, key: str, label: str, unit: str = "", description: str = "",
                 breakdown: bool = False, records_url=None, by_area=None):
        """Decorator: ``@metrics.register(key=..., label=...)`` over ``compute(scope, period)``."""

        def decorator(compute):
            self.add(Metric(key=key, label=label, unit=unit, compute=compute, description=description,
                            breakdown=breakdown, records_url=records_url, by_area=by_area))
            return compute

        return decorator


class RuleRegistry(_Registry):
    kind = "rule"

    @staticmethod
    def _key(entry: Rule) -> str:
        return entry.code

    def register(self, *, code: str, title: str, citation: str, severity: str = Severity.WARNING,
                 action: str = ""):
        """Decorator: ``@rules.register(code=..., citation=...)`` over ``check(scope, on_date)``."""

        def decorator(check):
            self.add(Rule(code=code, title=title, citation=citation, severity=severity, check=check,
                          action=action))
            return check

        return decorator

    def counts(self, code: str):
        """Decorator: ``@rules.counts("MEM-01")`` over ``count(scope, on_date) -> int``, the
        rule's condition as one aggregate. It must agree with the check: a test compares the
        two for every rule on a fixture city."""

        def decorator(counter):
            self._entries[code] = replace(self.get(code), counter=counter)
            return counter

        return decorator

    def findings(self, scope, on_date: datetime.date) -> list[tuple[Rule, list[Finding]]]:
        return [(rule, list(rule.check(scope, on_date))) for rule in self.all()]


metrics = MetricRegistry()
rules = RuleRegistry()

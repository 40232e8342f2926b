"""The weekly record of the organization health check, and what is read back from it.

``findings_record`` runs every registered rule over the whole city (the weekly task and
``manage.py record_findings``) and keeps one FindingSnapshot per finding: first seen, last seen,
resolved on. The readers below narrow through accounts.scoping like every other selector.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.scoping import Scope
from dangjian.core.registry import Severity, rules
from dangjian.dashboard.models import FindingSnapshot, FindingsRun

# A deployment-wide scope: the job records every finding; readers narrow them per actor.
WEEKLY_DAYS = 7


class _Everyone:
    """The weekly job's actor: sees the whole city (it records; it shows nothing to anyone)."""

    is_superuser = is_active = is_authenticated = True
    pk = None


ANCHOR_FIELDS = ("area_id", "other_area_id", "organization_id", "other_organization_id")


def _prefixes(model, attr: str) -> tuple:
    value = getattr(model, attr, None)
    if value is None:
        return ()
    return ((value,) if isinstance(value, str) else tuple(value))[:2]


def _anchors(model, ids: list[int]) -> dict[int, dict]:
    """{subject id: {area_id, other_area_id, organization_id, other_organization_id}} through the
    model's first two anchors of each kind (a to-many anchor: its first row)."""
    slots = [("area_id", "other_area_id"), ("organization_id", "other_organization_id")]
    anchors: dict[int, dict] = {pk: dict.fromkeys(ANCHOR_FIELDS) for pk in ids}
    for names, attr in zip(slots, ("scope_area_path", "scope_organization_path"), strict=True):
        for name, prefix in zip(names, _prefixes(model, attr), strict=False):
            for start in range(0, len(ids), 500):
                rows = model._base_manager.filter(pk__in=ids[start:start + 500]).values_list("pk", f"{prefix}pk")
                for pk, anchor in rows:
                    if anchors[pk][name] is None:
                        anchors[pk][name] = anchor
    return anchors


@transaction.atomic
def findings_record(*, on_date: datetime.date | None = None) -> FindingsRun:
    """Record every rule's findings on ``on_date`` (today): new ones open a row, those found
    again move ``last_seen``, those no longer found are resolved on that date. Rerunning on the
    same date updates that date's record."""
    on_date = on_date or timezone.localdate()
    run, _created = FindingsRun.objects.update_or_create(recorded_on=on_date,
                                                         defaults={"started_at": timezone.now()})
    scope = Scope(actor=_Everyone())
    opened = resolved = total = 0
    for rule in rules.all():
        findings = list(rule.check(scope, on_date))
        total += len(findings)
        existing = {(snap.subject_type_id, snap.subject_id): snap
                    for snap in FindingSnapshot.objects.filter(rule_code=rule.code, resolved_on__isnull=True)}
        by_model = defaultdict(list)
        for finding in findings:
            by_model[type(finding.subject)].append(finding)
        seen, new, changed = set(), [], []
        for model, model_findings in by_model.items():
            content_type = ContentType.objects.get_for_model(model)
            anchors = _anchors(model, [finding.subject.pk for finding in model_findings])
            for finding in model_findings:
                key = (content_type.pk, finding.subject.pk)
                if key in seen:
                    continue
                seen.add(key)
                fields = {"message": finding.message[:500], "records_url": (finding.records_url or "")[:300],
                          "anchor_label": finding.anchor_label[:120], "severity": rule.severity,
                          "last_seen": on_date, **anchors[finding.subject.pk]}
                snap = existing.get(key)
                if snap is None:
                    new.append(FindingSnapshot(rule_code=rule.code, subject_type_id=content_type.pk,
                                               subject_id=finding.subject.pk, first_seen=on_date, **fields))
                else:
                    for name, value in fields.items():
                        setattr(snap, name, value)
                    changed.append(snap)
        FindingSnapshot.objects.bulk_create(new, batch_size=500)
        FindingSnapshot.objects.bulk_update(changed, ["message", "records_url", "anchor_label", "severity",
                                                      "last_seen", *ANCHOR_FIELDS], batch_size=500)
        gone = [snap.pk for key, snap in existing.items() if key not in seen]
        FindingSnapshot.objects.filter(pk__in=gone).update(resolved_on=on_date)
        opened += len(new)
        resolved += len(gone)
    run.open_findings, run.new_findings, run.resolved_findings = total, opened, resolved
    run.finished_at = timezone.now()
    run.save()
    return run


# ---------------------------------------------------------------- readers


def latest_run() -> FindingsRun | None:
    return FindingsRun.objects.filter(finished_at__isnull=False).first()


def fresh_run() -> FindingsRun | None:
    """The latest record if recent enough to stand in for live counts (weekly, a day's grace)."""
    run = latest_run()
    max_age = int(settings.DANGJIAN_RULES.get("FINDINGS_RECORD_MAX_AGE_DAYS", WEEKLY_DAYS + 1))
    if run is None or (timezone.localdate() - run.recorded_on).days > max_age:
        return None
    return run


def recorded_findings_for(actor, focus) -> QuerySet:
    snapshots = scoping.narrow(actor, FindingSnapshot.objects.all())
    if focus is not None:
        snapshots = snapshots.filter(Q(area__path__startswith=focus.path) | Q(other_area__path__startswith=focus.path))
    return snapshots


def recorded_rule_counts(actor, focus, run: FindingsRun) -> dict[str, int]:
    """{rule code: open findings} as recorded on ``run``'s date: one GROUP BY."""
    rows = (recorded_findings_for(actor, focus).filter(resolved_on__isnull=True, last_seen=run.recorded_on)
            .order_by().values_list("rule_code").annotate(n=Count("pk")))
    return dict(rows)


def findings_trend(actor, focus, *, weeks: int = 8) -> list[dict]:
    """Open findings by severity on each of the last ``weeks`` recorded dates (oldest first)."""
    runs = list(FindingsRun.objects.filter(finished_at__isnull=False)[:weeks])[::-1]
    snapshots = recorded_findings_for(actor, focus).order_by()
    aggregates = {}
    for run in runs:
        open_then = Q(first_seen__lte=run.recorded_on, last_seen__gte=run.recorded_on)
        for severity in Severity.ORDER:
            aggregates[f"r{run.pk}_{severity}"] = Count("pk", filter=open_then & Q(severity=severity))
    counts = snapshots.aggregate(**aggregates) if aggregates else {}
    return [{"date": run.recorded_on,
             **{severity: counts[f"r{run.pk}_{severity}"] for severity in Severity.ORDER}} for run in runs]


def resolved_since(actor, focus, run: FindingsRun):
    """Findings resolved on the latest record (no longer found since the week before)."""
    return recorded_findings_for(actor, focus).filter(resolved_on=run.recorded_on).order_by("rule_code", "id")


@dataclass(frozen=True)
class ScoreCard:
    label: str
    serious: int
    warning: int
    info: int

    @property
    def score(self) -> int:
        """100 less 10 per serious, 5 per warning and 1 per hint finding, not below 0."""
        return max(0, 100 - 10 * self.serious - 5 * self.warning - self.info)


def score_cards(actor, focus, run: FindingsRun, *, limit: int = 50) -> list[ScoreCard]:
    """Per organization (or area, where the subject has no organization) the open findings by
    severity, lowest score first."""
    rows = (recorded_findings_for(actor, focus).filter(resolved_on__isnull=True, last_seen=run.recorded_on)
            .order_by().values("anchor_label")
            .annotate(serious=Count("pk", filter=Q(severity=Severity.SERIOUS)),
                      warning=Count("pk", filter=Q(severity=Severity.WARNING)),
                      info=Count("pk", filter=Q(severity=Severity.INFO))))
    cards = [ScoreCard(label=row["anchor_label"] or "（未注明）", serious=row["serious"], warning=row["warning"],
                       info=row["info"]) for row in rows]
    return sorted(cards, key=lambda card: (card.score, card.label))[:limit]

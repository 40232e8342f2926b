"""Records as they stood on a day, from django-simple-history's tables, in set-based SQL.

For each record: its latest historical row written before the end of that day (simple-history's
``latest_of_each``: a NOT EXISTS over later rows of the same id), unless that row is a deletion.
Records generated in bulk carry no history at all (the district and city demo sizes,
docs/architecture.md "Demo data"): with nothing else to go on they count in their current
state, when they existed by then (``existed_by``).
"""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone


def end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the deployment's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def as_of(model, day: datetime.date) -> QuerySet:
    """Historical rows: the state of every tracked ``model`` record at the end of ``day``."""
    rows = model.history.filter(history_date__lt=end_of(day)).order_by().latest_of_each()
    return rows.exclude(history_type="-")


def untracked(model, existed_by: Q | None = None) -> QuerySet:
    """Current rows of ``model`` that have no history row at all (bulk-generated)."""
    rows = model.objects.order_by().filter(~Exists(model.history.filter(id=OuterRef("pk"))))
    return rows.filter(existed_by) if existed_by is not None else rows

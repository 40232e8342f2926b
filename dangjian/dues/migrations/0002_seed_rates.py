"""The national rate table (中组发〔2008〕3号, RULES.md DUES-02/03/04) as data, so a fresh
install computes dues. A later change is a new table with a later effective date."""

import datetime
from decimal import Decimal

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2008, 4, 1)
SOURCE = "《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）"
RATES = [
    # (category, income_up_to, percent, fixed_amount, fixed_amount_max, rule)
    ("in_service", "3000", "0.5", None, None, "DUES-02"),
    ("in_service", "5000", "1", None, None, "DUES-02"),
    ("in_service", "10000", "1.5", None, None, "DUES-02"),
    ("in_service", None, "2", None, None, "DUES-02"),
    ("retired", "5000", "0.5", None, None, "DUES-03"),
    ("retired", None, "1", None, None, "DUES-03"),
    ("flat", None, None, "0.2", None, "DUES-04"),
    ("rural", None, None, "0.2", "1", "DUES-04"),
]


def _decimal(value):
    return None if value is None else Decimal(value)


def seed(apps, schema_editor):
    DuesRate = apps.get_model("dues", "DuesRate")
    for category, up_to, percent, fixed, fixed_max, rule in RATES:
        DuesRate.objects.get_or_create(
            category=category, effective_from=EFFECTIVE_FROM, income_up_to=_decimal(up_to),
            defaults={"percent": _decimal(percent), "fixed_amount": _decimal(fixed),
                      "fixed_amount_max": _decimal(fixed_max), "citation": f"{SOURCE}，RULES.md {rule}"})


def unseed(apps, schema_editor):
    apps.get_model("dues", "DuesRate").objects.filter(effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("dues", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]

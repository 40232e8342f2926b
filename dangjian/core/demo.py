"""The demo-data generator's plug-in registry.

Each app adds its own demo data in ``<app>/demo.py`` with ``@demo_builder(order=N)``; the
``demo`` command runs the builders in order with one shared :class:`DemoContext`. Builders
are idempotent: running ``demo`` twice changes nothing the second time.
"""

import random as random_module
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

DEMO_PASSWORD = "dangjian-demo-2026"


@dataclass(frozen=True)
class DemoSize:
    """How big the generated city is. ``demo`` is the README's city; ``city`` is the
    reference city of ARCHITECTURE.md (12 districts, 100 streets, 1,200 communities)."""

    name: str
    districts: int
    streets_per_district: int
    communities_per_street: int
    units_per_community: int
    # The big sizes write the trees and units in bulk (no history or audit entries: generated,
    # not entered by anyone); ``demo`` goes through the services like a user would.
    bulk: bool = False


SIZES = {
    "demo": DemoSize("demo", districts=2, streets_per_district=3, communities_per_street=4, units_per_community=3),
    "district": DemoSize("district", districts=1, streets_per_district=9, communities_per_street=12,
                         units_per_community=50, bulk=True),
    # Nanjing has 11 districts (GB/T 2260); the reference city of ARCHITECTURE.md counts 12.
    # 11 × 9 × 12 = 1,188 communities, 59,400 units, about 15,500 party organizations.
    "city": DemoSize("city", districts=11, streets_per_district=9, communities_per_street=12,
                     units_per_community=50, bulk=True),
}


@dataclass
class DemoContext:
    size: DemoSize
    actor: object  # the system user the builders act as (writes go through services)
    # Seeded: the demo city is the same on every machine (not for anything secret).
    rng: random_module.Random = field(default_factory=lambda: random_module.Random(20261125))  # noqa: S311
    log: Callable[[str], None] = print
    # Builders share what they made through this dict (e.g. "city", "districts", "streets").
    made: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Builder:
    order: int
    name: str
    build: Callable[[DemoContext], None]


_builders: list[_Builder] = []


def demo_builder(*, order: int):
    def decorator(build):
        _builders.append(_Builder(order=order, name=f"{build.__module__}.{build.__name__}", build=build))
        return build

    return decorator


def builders() -> list[_Builder]:
    autodiscover_modules("demo")
    return sorted({b.name: b for b in _builders}.values(), key=lambda b: (b.order, b.name))


def weighted_choice(rng, choices):
    """One value drawn from ``choices`` = ((value, weight), …) with ``rng`` (the demo's seeded
    stream, so a size always generates the same data)."""
    total = sum(weight for _value, weight in choices)
    pick = rng.uniform(0, total)
    for value, weight in choices:
        pick -= weight
        if pick <= 0:
            return value
    return choices[-1][0]

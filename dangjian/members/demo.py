"""Demo members for every branch of the demo city, with the seed's care groups and the cases the
rules look for (RULES.md MEM-01, MEM-03, MEM-04, MEM-06, MEM-08, ORG-03).

``demo`` (the README's city): 15–40 members a branch (one branch above 50), each created through
``services.member_create``; floating, lost contact, transfers and care visits through their
services too, so every row has its history and audit entry. ``--size district`` (50,000
members) and ``--size city`` (the 600,000-member reference city of ARCHITECTURE.md) go through
the bulk loader in ``members/bulk.py`` with the same people, derivations and proportions.

Idempotent: people are generated from a random stream seeded by each branch's name and place,
and a person whose ID number (its blind-index digest) is already registered is skipped with
everything that would have come with them.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils import timezone

from dangjian.core import crypto
from dangjian.core.demo import DemoContext, demo_builder
from dangjian.core.models import Code, CodeTable
from dangjian.core.pinyin import full_pinyin, pinyin_initials
from dangjian.core.progress import Progress
from dangjian.members import bulk, services
from dangjian.members.models import (
    CareVisit,
    Employment,
    FloatingDirection,
    FloatingRecord,
    Member,
    MemberStatus,
    Transfer,
    TransferStatus,
)
from dangjian.organizations.models import BRANCH_KINDS, Area, AreaLevel, PartyOrganization

TARGET_MEMBERS = {"district": 50_000, "city": 600_000}
CARE_MONTHS = {"retired": 6, "laid_off": 6, "difficulty": 3, "floating": 3}  # the settings' defaults
VISITORS = ("社区党委书记", "社区党委副书记", "网格员", "社区居委会主任", "街道党工委委员", "党员志愿者")
VISIT_FINDINGS = ("身体状况稳定，生活基本能自理", "血压偏高，已提醒按时服药", "家中老伴住院，需要照护帮助",
                  "子女在外地，独居，希望社区多关注", "正在找工作，希望推荐岗位", "思想稳定，关心社区建设")
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rates:
    """How often the cases the rules look for happen. The README's demo city shows every case
    in a few dozen branches; the 600,000-member city uses real-life-like rates, so a rule has
    tens to hundreds of findings there, not tens of thousands (MEM-08 flagged 44,667 members)."""

    floating: float = 0.08  # of working-age community members
    floating_stale: float = 0.25  # of floating members: no contact since they left (MEM-04)
    lost_contact: float = 0.004  # MEM-03
    never_visited: float = 0.08  # of care-group members (MEM-08)
    visit_overdue: float = 0.15  # of care-group members (MEM-08)


CITY_RATES = Rates(floating=0.05, floating_stale=0.03, lost_contact=0.0004, never_visited=0.001,
                   visit_overdue=0.002)


@dataclass
class Story:
    """One person and what happened to them, decided from the branch's random stream."""

    person: bulk.Person
    lost_contact_since: datetime.date | None = None
    floating: dict | None = None  # place, reason, card, started_on, contact_on
    visits: list[dict] = field(default_factory=list)


def branch_rng(organization: PartyOrganization) -> random.Random:
    return random.Random(f"dangjian-members:{organization.area.code}:{organization.name}")  # noqa: S311


def branches() -> list[PartyOrganization]:
    rows = PartyOrganization.objects.filter(kind__in=BRANCH_KINDS, is_active=True).select_related("area", "unit")
    return sorted(rows, key=lambda organization: (organization.area.code, organization.name))


def stories_for(organization, count: int, *, generator: bulk.PeopleGenerator, rng, today,
                rates: Rates = Rates()) -> list[Story]:
    """``count`` people of a branch with their floating, lost-contact and visit history."""
    kind = "unit" if organization.unit_id else "community"
    stories = []
    for _ in range(count):
        person = generator.person(rng, district_code=organization.area.code[:6], kind=kind)
        story = Story(person=person)
        age = person.age_on(today)
        if kind == "community" and person.employment in ("employed", "other") and age < 60 and rng.random() < rates.floating:
            started = today - rng.randint(20, 900) * DAY
            stale = rng.random() < rates.floating_stale
            story.floating = {
                "place": rng.choice(bulk.PROVINCES), "reason": rng.choice(bulk.FLOATING_REASONS),
                "card": f"流动证{rng.randrange(10**7):07d}", "started_on": started,
                "contact_on": None if stale else max(started, today - rng.randint(0, 80) * DAY),
            }
        elif person.employment != "retired" and age < 65 and rng.random() < rates.lost_contact:
            story.lost_contact_since = today - rng.randint(30, 1300) * DAY
        story.visits = _visits(rng, story, today, rates)
        stories.append(story)
    return stories


def _care_months(story: Story) -> int | None:
    person = story.person
    groups = [group for group, member_of in (
        ("retired", person.employment == "retired"), ("laid_off", person.employment == "laid_off"),
        ("difficulty", person.has_difficulty), ("floating", story.floating is not None)) if member_of]
    return min(CARE_MONTHS[group] for group in groups) if groups else None


def _visits(rng, story: Story, today, rates: Rates = Rates()) -> list[dict]:
    """Most care-group members were visited within their cadence, some are overdue, a few never."""
    months = _care_months(story)
    if months is None:
        return []
    roll = rng.random()
    if roll < rates.never_visited:
        return []
    cadence_days = 30 * months
    last = today - (rng.randint(1, cadence_days - 5) if roll < 1 - rates.visit_overdue else cadence_days + rng.randint(10, 200)) * DAY
    dates = [last] + ([last - cadence_days * DAY] if rng.random() < 0.3 else [])
    visits = []
    for visited_on in dates:
        person = story.person
        kinds = ["goods"] if rng.random() < 0.5 else []
        amount = None
        if person.has_difficulty or rng.random() < 0.2:
            kinds.append("money")
            amount = Decimal(rng.choice((200, 300, 500, 800, 1000)))
        if person.employment == "laid_off" and rng.random() < 0.4:
            kinds.append("job_referral")
        if person.has_difficulty and rng.random() < 0.3:
            kinds.append("medical_referral")
        visits.append({"visited_on": visited_on, "visitor": rng.choice(VISITORS),
                       "findings": rng.choice(VISIT_FINDINGS), "help_kinds": kinds, "amount": amount,
                       "help_detail": "送去米、油等慰问品" if "goods" in kinds else ""})
    return visits


def _residence(organization, communities_by_street: dict[str, list[int]], rng) -> int | None:
    if organization.area.level == AreaLevel.COMMUNITY and not organization.unit_id:
        return organization.area_id
    nearby = communities_by_street.get(organization.area.code[:9]) or [organization.area_id]
    return rng.choice(nearby)


def _communities_by_street() -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for pk, code in Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code").values_list("pk", "code"):
        grouped.setdefault(code[:9], []).append(pk)
    return grouped


@demo_builder(order=20)
def build_members(ctx: DemoContext) -> None:
    if ctx.size.name in TARGET_MEMBERS:
        build_in_bulk(ctx, total=TARGET_MEMBERS[ctx.size.name])
    else:
        build_through_services(ctx)


# ---------------------------------------------------------------- the demo city, through the services


def build_through_services(ctx: DemoContext) -> None:
    _area.cache_clear()  # rows of another run (or test) are not these
    _code.cache_clear()
    today = timezone.localdate()
    generator = bulk.PeopleGenerator(today=today)
    communities = _communities_by_street()
    known = set(Member.objects.values_list("id_number_digest", flat=True))
    all_branches = branches()
    progress = Progress(len(all_branches), label="党支部", log=ctx.log)
    outsiders = bulk.PeopleGenerator(today=today)  # people from outside the system: no ID stored
    created: list[Member] = []
    community_branches = 0
    for index, organization in enumerate(all_branches):
        rng = branch_rng(organization)
        # The first branch is above the ORG-03 limit of 50; the others have 15 to 40 members.
        count = 52 if index == 0 else rng.randint(15, 40)
        stories = stories_for(organization, count, generator=generator, rng=rng, today=today)
        _probation_cases(stories, rng, today, serious=index == 0)
        if not organization.unit_id:
            _guarantee_care_groups(stories, community_branches, organization, generator, rng, today)
            community_branches += 1
        made_here = 0
        for story in stories:
            member = _create(ctx, organization, story, communities, rng, known)
            if member is not None:
                created.append(member)
                made_here += 1
                _history(ctx, member, story)
        if made_here:
            _floating_in(ctx, organization, rng, today, outsiders)
        progress.advance(1)
    progress.finish()
    _transfers(ctx, created, today)
    services.transfers_expire_due(on_date=today)
    _cadences(ctx)
    ctx.log(f"  新增党员 {len(created)} 名")


def _probation_cases(stories: list[Story], rng, today, *, serious: bool) -> None:
    """About one branch in five has a probationary member past the year of probation (MEM-01);
    the first branch also one past the longest extension."""
    cases = ([400 + rng.randrange(200)] if rng.random() < 0.2 else []) + ([800] if serious else [])
    candidates = [story for story in stories if story.person.employment != "retired"]
    for days, story in zip(cases, candidates[-len(cases):] if cases else [], strict=False):
        joined = today - days * DAY
        if bulk.add_years(story.person.birth_date, 18) < joined:
            story.person.joined_on, story.person.full_member_on = joined, None


def _guarantee_care_groups(stories: list[Story], position: int, organization, generator, rng, today) -> None:
    """Small demo cities still show every care group and case: community branches take turns
    to have a member in difficulty, a laid-off member, a floating member out of touch, a lost
    contact, and the first one a Uyghur member (a name with a middle dot)."""
    def first(condition):
        return next((story for story in stories if condition(story)), None)

    changed = []
    if position % 3 == 0 and (story := first(lambda s: s.person.employment == "retired"
                                             and not s.person.has_difficulty)):
        story.person.has_difficulty, story.person.difficulty_reason = True, rng.choice(bulk.DIFFICULTY_REASONS)
        changed.append(story)
    if position % 3 == 1 and (story := first(lambda s: s.person.employment == "employed"
                                             and 35 <= s.person.age_on(today) <= 58)):
        story.person.employment, story.person.workplace_text = "laid_off", ""
        changed.append(story)
    working = [s for s in stories if s.person.employment in ("employed", "other") and s.person.age_on(today) < 60
               and not s.floating and not s.lost_contact_since]
    if position % 4 == 2 and working:
        working[0].floating = {"place": rng.choice(bulk.PROVINCES), "reason": "外出务工", "card": "流动证0000001",
                               "started_on": today - 240 * DAY, "contact_on": None}  # MEM-04: no contact since
        changed.append(working[0])
    if position % 5 == 3 and len(working) > 1:
        working[-1].lost_contact_since = today - (100 if position % 2 else 900) * DAY
    if position == 0:
        stories[-1] = Story(person=generator.person(rng, district_code=organization.area.code[:6], ethnicity="05"))
        changed.append(stories[-1])
    for story in changed:
        story.visits = _visits(rng, story, today)


def _create(ctx, organization, story: Story, communities, rng, known: set[str]) -> Member | None:
    """The member, through the service; None when their ID number is already registered."""
    digest = crypto.blind_index(story.person.id_number)
    residence_id = _residence(organization, communities, rng)  # drawn either way: the stream stays the same
    if digest in known:
        return None
    known.add(digest)
    return _create_member(ctx, organization, story, residence_id)


@cache
def _area(pk: int) -> Area:
    return Area.objects.get(pk=pk)


@cache
def _code(table: str, code: str) -> Code:
    return Code.objects.get(table=table, code=code)


def _create_member(ctx, organization, story: Story, residence_id) -> Member:
    person = story.person
    return services.member_create(
        actor=ctx.actor, organization=organization, name=person.name, id_number=person.id_number,
        ethnicity=_code(CodeTable.ETHNICITY, person.ethnicity), education=_code(CodeTable.EDUCATION, person.education),
        phone=person.phone,
        joined_on=person.joined_on, full_member_on=person.full_member_on, status=person.status,
        employment=person.employment,
        workplace_unit=organization.unit if organization.unit_id and person.employment == "employed" else None,
        workplace_text="" if organization.unit_id else person.workplace_text,
        residence_area=_area(residence_id), has_difficulty=person.has_difficulty,
        difficulty_reason=person.difficulty_reason,
    )


def _history(ctx, member: Member, story: Story) -> None:
    if story.floating:
        floating = story.floating
        record = services.member_float_out(actor=ctx.actor, member=member, place=floating["place"],
                                           started_on=floating["started_on"], reason=floating["reason"],
                                           card_number=floating["card"], contact=member.phone)
        if floating["contact_on"] and floating["contact_on"] > floating["started_on"]:
            services.floating_record_contact(actor=ctx.actor, record=record, contacted_on=floating["contact_on"])
    if story.lost_contact_since:
        services.member_mark_lost_contact(actor=ctx.actor, member=member, since=story.lost_contact_since)
    for visit in sorted(story.visits, key=lambda item: item["visited_on"]):
        services.care_visit_record(actor=ctx.actor, member=member, **visit)


def _floating_in(ctx, organization, rng, today, generator) -> None:
    """One community branch in three manages a member who came from elsewhere (流入党员)."""
    if organization.unit_id or rng.random() >= 1 / 3:
        return
    if FloatingRecord.objects.filter(host_organization=organization, direction=FloatingDirection.INFLOW).exists():
        return
    person = generator.person(rng, district_code=rng.choice(bulk.ELSEWHERE), kind="community")
    started = today - rng.randint(30, 700) * DAY
    record = services.member_float_in(
        actor=ctx.actor, host_organization=organization, origin=rng.choice(bulk.PROVINCES), started_on=started,
        outside_name=person.name, outside_organization=f"中共{rng.choice(bulk.PROVINCES)}某公司支部委员会",
        reason=rng.choice(bulk.FLOATING_REASONS), card_number=f"流动证{rng.randrange(10**7):07d}",
        contact=person.phone)
    if rng.random() < 0.7:
        services.floating_record_contact(actor=ctx.actor, record=record,
                                         contacted_on=max(started, today - rng.randint(0, 90) * DAY))


def _transfers(ctx, created: list[Member], today) -> None:
    """A letter in transit, one to outside the system, one expired (MEM-06), one received."""
    floating = set(FloatingRecord.objects.filter(member__in=created).values_list("member_id", flat=True))
    movers = [member for member in created if member.employment == Employment.EMPLOYED
              and not member.lost_contact_since and member.pk not in floating]
    if len(movers) < 8:
        return
    first, second, third, fourth = movers[1], movers[len(movers) // 3], movers[len(movers) // 2], movers[-2]
    elsewhere = movers[-1].organization
    plans = [
        (first, "宁组转〔2026〕第0101号", 12, 90, elsewhere, "", None),
        (second, "宁组转〔2026〕第0102号", 20, 90, None, "上海市浦东新区陆家嘴街道党工委", None),
        (third, "宁组转〔2026〕第0103号", 130, 90, elsewhere, "", None),  # expires unreceived
        (fourth, "宁组转〔2026〕第0104号", 60, 30, movers[0].organization, "", 50),
    ]
    for member, number, days_ago, valid_days, to_organization, to_outside, received_days_ago in plans:
        if Transfer.objects.filter(letter_number=number).exists() or to_organization == member.organization:
            continue
        letter = services.member_transfer_issue(
            actor=ctx.actor, member=member, letter_number=number, issued_on=today - days_ago * DAY,
            to_organization=to_organization, to_outside=to_outside, valid_days=valid_days, reason="工作调动")
        if received_days_ago:
            services.member_transfer_receive(actor=ctx.actor, transfer=letter,
                                             received_on=today - received_days_ago * DAY)


def _cadences(ctx) -> None:
    """The first community visits its members in difficulty every two months (MEM-08 is local)."""
    community = Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code").first()
    if community is not None and not community.care_cadences.filter(group="difficulty").exists():
        services.care_cadence_set(actor=ctx.actor, area=community, group="difficulty", every_months=2)


# ---------------------------------------------------------------- the district and the reference city, in bulk


def _counts(all_branches, total: int) -> list[int]:
    """``total`` members spread over the branches, community branches fuller than unit ones,
    each under the ORG-03 limit (settings.DANGJIAN_RULES BRANCH_MAX_MEMBERS) except about one
    branch in 120 that has grown past it (RULES.md ORG-03 then has a few findings to show)."""
    limit = settings.DANGJIAN_RULES["BRANCH_MAX_MEMBERS"]
    weights, oversized = [], {}
    for index, organization in enumerate(all_branches):
        rng = branch_rng(organization)
        weights.append(rng.uniform(0.3, 1.0) if organization.unit_id else rng.uniform(0.6, 1.0))
        if rng.random() < 1 / 120:
            oversized[index] = limit + rng.randint(1, 30)
    rest = total - sum(oversized.values())
    ordinary = [i for i in range(len(all_branches)) if i not in oversized]
    if rest < 0 or rest > limit * len(ordinary):  # too many or too few branches: plain proportions
        return _fill(weights, [total] * len(weights), total)
    counts = dict(oversized)
    counts.update(zip(ordinary, _fill([weights[i] for i in ordinary], [limit] * len(ordinary), rest), strict=True))
    return [counts[i] for i in range(len(all_branches))]


def _fill(weights: list[float], caps: list[int], total: int) -> list[int]:
    """Counts proportional to ``weights`` scaled so they sum to ``total``, none above its cap
    (the scale is found by bisection; what rounding leaves goes to the largest remainders)."""
    if not weights:
        return []
    def counts_at(scale):
        return [min(cap, int(weight * scale)) for weight, cap in zip(weights, caps, strict=True)]

    low, high = 0.0, max(caps) / min(weights) + 1
    for _ in range(60):
        middle = (low + high) / 2
        if sum(counts_at(middle)) > total:
            high = middle
        else:
            low = middle
    counts = counts_at(low)
    room = sorted((i for i, count in enumerate(counts) if count < caps[i]),
                  key=lambda i: weights[i] * low - counts[i], reverse=True)
    for i in room[: total - sum(counts)]:
        counts[i] += 1
    return counts


@cache
def _pinyin(name: str) -> tuple[str, str]:
    return full_pinyin(name), pinyin_initials(name)


def build_in_bulk(ctx: DemoContext, *, total: int) -> None:
    today = timezone.localdate()
    now = timezone.now()
    all_branches = branches()
    if not all_branches:
        return
    generator = bulk.PeopleGenerator(today=today)
    outsiders = bulk.PeopleGenerator(today=today)
    communities = _communities_by_street()
    known = set(Member.objects.values_list("id_number_digest", flat=True)) if Member.objects.exists() else set()
    codes = {(table, code): obj for obj in Code.objects.filter(table__in=[CodeTable.SEX, CodeTable.ETHNICITY,
                                                                          CodeTable.EDUCATION])
             for table, code in [(obj.table, obj.code)]}
    loader = bulk.Loader()
    progress = Progress(total, label="党员", log=ctx.log)
    in_transit: list[tuple[int, int]] = []  # (member id, organization id)
    for organization, count in zip(all_branches, _counts(all_branches, total), strict=True):
        rng = branch_rng(organization)
        made_here = 0
        for story in stories_for(organization, count, generator=generator, rng=rng, today=today,
                                 rates=CITY_RATES):
            person = story.person
            if person.full_member_on is None and bulk.add_years(person.joined_on, 1) <= today:
                person.full_member_on = bulk.add_years(person.joined_on, 1)  # voted on time: no MEM-01 case
            if rng.random() < 0.0002 and person.employment != "retired":  # MEM-01: past probation
                joined = today - rng.randint(380, 800) * DAY
                if bulk.add_years(person.birth_date, 18) < joined:
                    person.joined_on, person.full_member_on = joined, None
            digest = crypto.blind_index(person.id_number)
            if digest in known:
                continue
            known.add(digest)
            member = _bulk_member(loader, organization, story, digest, codes, now,
                                  _residence(organization, communities, rng))
            loader.add(member)
            made_here += 1
            _bulk_history(loader, member, story, today, now)
            if person.employment == "employed" and not story.floating and rng.random() < 0.01:
                in_transit.append((member.pk, organization.pk))
        if made_here and not organization.unit_id and rng.random() < 0.3:
            _bulk_floating_in(loader, organization, rng, today, outsiders)
        progress.advance(count)
    _bulk_transfers(loader, in_transit, today)
    loader.finish()
    progress.finish()
    added = "，".join(f"{model._meta.verbose_name} {n:,}" for model, n in loader.counts.items())
    ctx.log(f"  新增：{added or '无（均已存在）'}")


def _bulk_member(loader, organization, story: Story, digest: str, codes, now, residence_id) -> Member:
    person = story.person
    member = Member(
        pk=loader.next_id(Member), name=person.name, phone=person.phone,
        ethnicity_id=codes[(CodeTable.ETHNICITY, person.ethnicity)].pk,
        education_id=codes[(CodeTable.EDUCATION, person.education)].pk,
        joined_on=person.joined_on, full_member_on=person.full_member_on,
        status=MemberStatus.FULL if person.full_member_on else MemberStatus.PROBATIONARY,
        employment=person.employment, organization_id=organization.pk, residence_area_id=residence_id,
        workplace_unit_id=organization.unit_id if organization.unit_id and person.employment == "employed" else None,
        workplace_text="" if organization.unit_id else person.workplace_text,
        lost_contact_since=story.lost_contact_since, has_difficulty=person.has_difficulty,
        difficulty_reason=person.difficulty_reason, created_at=now,
    )
    services.fill_id_number(member, person.id_number, digest=digest,
                            sex=codes[(CodeTable.SEX, "2" if person.female else "1")])
    member.name_pinyin, member.name_initials = _pinyin(person.name)
    return member


def _bulk_history(loader, member: Member, story: Story, today, now) -> None:
    if story.floating:
        floating = story.floating
        loader.add(FloatingRecord(
            pk=loader.next_id(FloatingRecord), member_id=member.pk, direction=FloatingDirection.OUTFLOW,
            place=floating["place"], reason=floating["reason"], card_number=floating["card"], contact=member.phone,
            started_on=floating["started_on"], last_contact_on=floating["contact_on"] or floating["started_on"]))
    for visit in story.visits:
        loader.add(CareVisit(pk=loader.next_id(CareVisit), member_id=member.pk, **visit))


def _bulk_floating_in(loader, organization, rng, today, generator) -> None:
    person = generator.person(rng, district_code=rng.choice(bulk.ELSEWHERE), kind="community")
    started = today - rng.randint(30, 700) * DAY
    contact = started if rng.random() < 0.03 else max(started, today - rng.randint(0, 90) * DAY)
    loader.add(FloatingRecord(
        pk=loader.next_id(FloatingRecord), direction=FloatingDirection.INFLOW, host_organization_id=organization.pk,
        outside_name=person.name, outside_organization=f"中共{rng.choice(bulk.PROVINCES)}某公司支部委员会",
        place=rng.choice(bulk.PROVINCES), reason=rng.choice(bulk.FLOATING_REASONS),
        card_number=f"流动证{rng.randrange(10**7):07d}", contact=person.phone, started_on=started,
        last_contact_on=contact))


def _bulk_transfers(loader, in_transit: list[tuple[int, int]], today) -> None:
    """About 1% of employed members have a letter out to another branch; one in twenty of those
    letters has expired unreceived (MEM-06)."""
    rng = random.Random("dangjian-transfers")  # noqa: S311
    organizations = sorted({organization for _member, organization in in_transit})
    if len(organizations) < 2:
        return
    for index, (member_id, organization_id) in enumerate(in_transit):
        target = rng.choice(organizations)
        if target == organization_id:
            continue
        expired = rng.random() < 0.05
        issued = today - (rng.randint(100, 400) if expired else rng.randint(1, 80)) * DAY
        loader.add(Transfer(
            pk=loader.next_id(Transfer), member_id=member_id, from_organization_id=organization_id,
            to_organization_id=target, letter_number=f"宁组转〔{issued.year}〕第{index + 1:05d}号", issued_on=issued,
            valid_days=90, status=TransferStatus.EXPIRED if expired else TransferStatus.ISSUED,
            closed_on=issued + 90 * DAY if expired else None, reason="工作调动"))

"""Build the district or the reference city and time what a user waits for (ARCHITECTURE.md,
"Scale and budgets"): the roster page, member search, and the street and district dashboards.

    .venv/bin/python benchmarks/bench_members.py --size district          # SQLite unless DATABASE_URL is set
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/bench .venv/bin/python benchmarks/bench_members.py --size city

    options: --size demo|district|city   --repeat N (default 15)   --no-build (time what is there)
             --only roster,search,changelist,dashboard (the parts to time; default all)
             --write docs/benchmarks.md (replace this database and size's section; default: print only)

The city is built with ``manage.py demo``'s builders (each timed) unless it already holds the
size's members. Then, as the demo accounts (a street administrator, a district administrator,
the city administrator), each operation runs once cold and ``--repeat`` times warm; the table
shows the cold time, the warm median and the 90th percentile, in milliseconds of wall-clock
time in this process (Django, the driver and, on SQLite, the database itself), beside the
budget and the floor of ARCHITECTURE.md. This is a script, not a test: it asserts nothing.

The back-office changelist lines also give the warm runs' median CPU time of this process and
time waiting on SQL (a shared machine inflates wall time first), and a list longer than its page
gets a second line, "total (htmx)": the request the page makes for its total once shown
(members/admin_roster.py), which the user waits for too.
"""

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
# The pages are timed for a signed-in user past the second factor: the bench logs in with
# force_login, which no authenticator can verify, so the 2FA gate is off for this process.
os.environ["REQUIRE_2FA"] = "false"

import django  # noqa: E402

django.setup()

import machine  # noqa: E402 - benchmarks/machine.py, beside this script
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.core import crypto  # noqa: E402
from dangjian.core.demo import SIZES, DemoContext, builders  # noqa: E402
from dangjian.core.periods import Period  # noqa: E402
from dangjian.members import selectors  # noqa: E402
from dangjian.members.demo import TARGET_MEMBERS  # noqa: E402
from dangjian.members.models import Member  # noqa: E402

# operation → (budget, floor) as ARCHITECTURE.md states them
BUDGETS = {
    "roster": ("≤ 50 ms (PostgreSQL)", "street page 5 ms"),
    "count": ("estimated or cached total", "street 2 ms; city COUNT(*) 65 ms"),
    "search": ("≤ 100 ms", "—"),
    "dashboard": ("≤ 300 ms cold", "city GROUP BY 95 ms (SQLite 960 ms)"),
    "changelist": ("≤ 50 ms (PostgreSQL)", "plain view 2–4 ms + street page 5 ms"),
    "total": ("after the page (htmx)", "bounded count of ≤ 10,001 rows: 3–45 ms SQL"),
}


def log(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------- building


def build(size: str) -> list[tuple[str, float]]:
    """Run the demo builders for ``size`` in one transaction, timing each."""
    system, _ = User.objects.get_or_create(username="admin", defaults={"display_name": "系统管理员",
                                                                       "is_staff": True, "is_superuser": True})
    context = DemoContext(size=SIZES[size], actor=system, log=log)
    timings = []
    with transaction.atomic():
        for builder in builders():
            log(f"· {builder.name}")
            started = time.perf_counter()
            builder.build(context)
            timings.append((builder.name.removeprefix("dangjian."), time.perf_counter() - started))
    return timings


# ---------------------------------------------------------------- timing


class SqlClock:
    """The time this process waits on the database (every query through Django's connection)."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


SPLITS: dict[str, list[float]] = {}  # the last measure()'s warm CPU and SQL times, in ms


def measure(operation, repeat: int) -> tuple[float, float, float]:
    """(cold, warm median, warm p90) in ms of wall time. The warm runs' CPU time of this process
    (time.process_time: Django, templates, the driver's own work) and the time spent waiting on
    SQL are kept in ``SPLITS`` (a machine shared with other work inflates wall time, not CPU)."""
    started = time.perf_counter()
    operation()
    cold = (time.perf_counter() - started) * 1000
    warm, cpu, sql, queries = [], [], [], []
    for _ in range(repeat):
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            cpu_started = time.process_time()
            started = time.perf_counter()
            operation()
            warm.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        sql.append(clock.seconds * 1000)
        queries.append(clock.queries)
    SPLITS.update(cpu=cpu, sql=sql, queries=queries)
    warm.sort()
    return cold, statistics.median(warm), warm[min(len(warm) - 1, int(0.9 * len(warm)))]


def roster_page(user, **filters):
    """The roster's page as the changelist asks for it: scoped, filtered, its rows' columns only."""
    def run():
        members = selectors.member_filter(selectors.member_list_for(user), **filters)
        return list(selectors.member_roster_rows(members).order_by("name_pinyin", "id")[:50])
    return run


def roster_count(user, **filters):
    return lambda: selectors.member_filter(selectors.member_list_for(user), **filters).count()


def search(user, query: str):
    def run():
        found = selectors.member_search(selectors.member_list_for(user), query)
        return list(selectors.member_roster_rows(found).order_by("name_pinyin", "id")[:50])
    return run


def changelist(client: Client, url: str, *, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}

    def run():
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url} → {response.status_code}")
        return response
    return run


def dashboard(user, focus, period):
    from dangjian.dashboard.selectors import dashboard_for

    return lambda: dashboard_for(user, focus=focus, period=period)


def search_terms(user) -> dict[str, str]:
    """A common name, its full pinyin and initials, and a real ID number, all in the user's scope."""
    members = selectors.member_list_for(user).order_by("id")
    sample = members.filter(name__regex=r"^..$").first() or members.first()
    longer = members.filter(name__regex=r"^...$").first() or sample
    return {
        "name": sample.name,
        "name (3 characters)": longer.name,
        "pinyin": sample.name_pinyin,
        "initials": sample.name_initials,
        "id": crypto.decrypt(sample.id_number_ciphertext),
    }


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["demo", "district", "city"], default="district")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--write", metavar="PATH", help="write the results into this markdown file")
    parser.add_argument("--only", metavar="PARTS", default="roster,search,changelist,dashboard",
                        help="comma-separated parts to time (default: all of roster,search,changelist,dashboard)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    build_times = []
    target = TARGET_MEMBERS.get(args.size, 0)
    if not args.no_build and Member.objects.count() < target:
        build_times = build(args.size)
    totals = {"members": Member.objects.count()}
    users = {name: User.objects.get(username=name) for name in ("street", "district", "city")}
    from dangjian.dashboard.selectors import default_focus

    reverse("admin:index")  # load the URLconf once, as a running server has
    rows = []

    def row(operation, scope, what, timings, kind):
        cold, median, p90 = timings
        rows.append((operation, scope, what, cold, median, p90, *BUDGETS[kind]))
        log(f"  {operation:28s} {scope:6s} {what[:40]:40s} cold {cold:8.1f}  median {median:8.1f}  p90 {p90:8.1f}"
            f"  (CPU {statistics.median(SPLITS['cpu']):6.1f}, SQL {statistics.median(SPLITS['sql']):6.1f},"
            f" {max(SPLITS['queries'])} queries)")

    parts = set(args.only.split(","))
    for scope, user in users.items() if "roster" in parts else ():
        row("roster page (selector)", scope, "在册，按拼音，前50条", measure(roster_page(user), args.repeat), "roster")
        row("roster page (selector)", scope, "正式党员 · 离退休，按拼音，前50条",
            measure(roster_page(user, status="full", employment="retired"), args.repeat), "roster")
        row("roster count", scope, "在册（精确 COUNT）", measure(roster_count(user), args.repeat), "count")
        row("roster count", scope, "正式党员 · 离退休（精确 COUNT）",
            measure(roster_count(user, status="full", employment="retired"), args.repeat), "count")
    for scope, user in users.items() if "search" in parts else ():
        terms = search_terms(user)
        for kind, term in terms.items():
            shown = term if kind != "id" else f"{term[:6]}…（完整号码）"
            row(f"search by {kind}", scope, shown, measure(search(user, term), args.repeat), "search")
    try:
        url = reverse("admin:members_member_changelist")
    except NoReverseMatch:
        url = None
        log("  (the member admin is not mounted: changelist not timed)")
    if url and "changelist" in parts:
        for scope, user in users.items():
            client = Client()
            client.force_login(user)
            term = search_terms(user)["initials"]
            for what, query in (("在册", ""), ("正式党员 · 离退休", "?status=full&employment=retired"),
                                (f"搜索拼音首字母 {term}", f"?q={term}")):
                row("admin changelist", scope, what, measure(changelist(client, f"{url}{query}"), args.repeat),
                    "changelist")
                # A list longer than its page gets its total from a request of its own once the
                # page is shown (members/admin_roster.py): the user waits for it too, so it is timed.
                page = client.get(f"{url}{query}").content.decode()
                if 'hx-get="/admin/members/member/count/' in page:
                    row("admin changelist total (htmx)", scope, what,
                        measure(changelist(client, f"{url}count/{query}", htmx=True), args.repeat), "total")
    period = Period.current("year")
    for scope in ("street", "district", "city") if "dashboard" in parts else ():
        user = users[scope]
        focus = default_focus(user)
        row("dashboard (selector)", scope, f"{focus.name}，本年", measure(dashboard(user, focus, period),
                                                                      max(3, args.repeat // 3)), "dashboard")
        client = Client()
        client.force_login(user)
        row("dashboard page /admin/", scope, f"{focus.name}，本年",
            measure(changelist(client, reverse("admin:index")), max(3, args.repeat // 3)), "dashboard")

    section = render(args, rows, build_times, totals)
    log("")
    log(section)
    if args.write:
        write_section(Path(args.write), marker(args.size), section)
        log(f"written to {args.write}")


def marker(size: str) -> str:
    return f"{connection.vendor}-{size}"


def render(args, rows, build_times, totals) -> str:
    vendor = connection.vendor
    version = ".".join(str(part) for part in connection.Database.sqlite_version_info) if vendor == "sqlite" \
        else str(connection.cursor().connection.info.server_version)
    load = os.getloadavg()
    # The database the figures came from, as it was given (the demo role's password is documented).
    env_prefix = f"DATABASE_URL={os.environ['DATABASE_URL']} " if os.environ.get("DATABASE_URL") else ""
    lines = [
        f"### {'PostgreSQL' if vendor == 'postgresql' else 'SQLite'} · {args.size}"
        f"（{totals['members']:,} 名党员）",
        "",
        f"Command: `{env_prefix}.venv/bin/python benchmarks/bench_members.py --size {args.size} "
        f"--repeat {args.repeat}{' --write docs/benchmarks.md' if args.write else ''}`  ",
        f"Run {timezone.localtime():%Y-%m-%d %H:%M} on {platform.node() or 'host'}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {vendor} {version}, load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; {machine.describe()}.",
        "",
    ]
    if build_times:
        total = sum(seconds for _name, seconds in build_times)
        lines.append("Build (`manage.py demo --size " + args.size + "`'s builders, one transaction): "
                     + "; ".join(f"{name} {seconds:.0f} s" for name, seconds in build_times)
                     + f"; total {total / 60:.1f} min.")
        lines.append("")
    lines += [
        "| operation | scope | what | cold ms | median ms | p90 ms | budget | floor |",
        "|---|---|---|---:|---:|---:|---|---|",
    ]
    for operation, scope, what, cold, median, p90, budget, floor in rows:
        lines.append(f"| {operation} | {scope} | {what} | {cold:.1f} | {median:.1f} | {p90:.1f} | {budget} | {floor} |")
    return "\n".join(lines) + "\n"


def write_section(path: Path, key: str, section: str) -> None:
    """Replace the block between this key's markers (or append it); the rest of the file stays."""
    begin, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{section}{end}"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _match: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    started = datetime.datetime.now()
    main()
    log(f"({(datetime.datetime.now() - started).total_seconds():.0f} s)")

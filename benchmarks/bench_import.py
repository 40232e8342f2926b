"""Time a 100,000-row roster import end to end on the current DATABASE_URL.

    .venv/bin/python benchmarks/bench_import.py                # SQLite (var/db.sqlite3) unless DATABASE_URL is set
    DATABASE_URL=postgres://app:app@127.0.0.1:5432/app .venv/bin/python benchmarks/bench_import.py
    options: --rows N (default 100000)  --repeat N (import and undo the same file N times, report the
             median run: one run swings by ±2 s on a shared 2-core machine)
             --keep (leave the members in place; default: undo the batch)

Generates an .xlsx the way a district's roster looks (a title row above the header, dates written
three ways, an Excel date column), then runs exactly what the pages run, through the services:
upload (header detection and column mapping), preview (python-calamine parse, per-row validation,
pinyin, encryption, one duplicate query over the digests), commit (the task, run in-process: bulk
insert of members and their history in one transaction, audit entry), then undo (timed, not part
of the import; on PostgreSQL the name index's tidy-up that the commit queues is timed on its own,
as it runs after the batch is done). Prints one line for docs/benchmarks.md. Needs a migrated database; it uses an
existing party branch (``manage.py demo``) or builds the small test city.

Budget (ARCHITECTURE.md): ≤ 15 s for 100,000 rows, validated, encrypted, atomic; floor ≈ 5.5 s.
"""

import argparse
import datetime
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

import machine  # noqa: E402 - benchmarks/machine.py, beside this script
import xlsxwriter  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.core import crypto  # noqa: E402
from dangjian.members import services_import  # noqa: E402
from dangjian.members.models import Member  # noqa: E402
from dangjian.organizations.models import BRANCH_KINDS, PartyOrganization  # noqa: E402

REGIONS = ("320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115", "320116", "320117",
           "320118")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
# Given names from ~200 common characters: nearly every generated name is distinct, as in a real
# district roster (pinyin is computed per name, so repeated names would flatter the figure).
GIVEN_CHARACTERS = ("建国秀英志强桂兰海燕文博玉梅庆晓东丽华德胜春生雪振淑珍明远伟敏静磊洋艳勇军杰娟涛超霞平刚"
                    "桂芳红波辉鹏宇浩然子轩欣怡佳琪思雨梓涵俊峰瑞林玲凤云飞鸿亮宁琳洁颖慧娜婷倩璐晨阳光荣福寿"
                    "永康安泰和顺利发财金银宝珠翠兰菊松柏竹青山水河江湖海天地日月星辰风雷电霜露彩虹虎龙凤鹤")
EDUCATION = ("大学本科", "本科", "大专", "高中", "初中", "硕士研究生", "中专")
EMPLOYMENT = ("在职", "在职", "退休", "离退休", "下岗失业", "学生", "其他")
HEADERS = ["序号", "姓名", "性别", "民族", "身份证号码", "出生日期", "入党时间", "转正时间", "学历", "工作单位", "联系电话",
           "人员类别", "就业状况", "备注"]


def actor_and_organization():
    actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if actor is None:
        actor = User.objects.create_superuser(username="benchmark", email="", password=None, display_name="基准测试")
    organization = (PartyOrganization.objects.filter(kind__in=BRANCH_KINDS, is_active=True).order_by("path").first())
    if organization is None:
        from dangjian.organizations.tests.factories import build_city

        city = build_city(actor=actor)
        organization = city.org(city.dahanggong)
    return actor, organization


def people(rows: int, seed: int):
    """Unique, checksummed ID numbers not yet in the database, with plausible dates around them."""
    rng = random.Random(seed)
    taken = set()
    chosen = []
    while len(chosen) < rows:
        batch = []
        while len(batch) < rows - len(chosen):
            birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(60 * 365))
            body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
            if body in taken:
                continue
            taken.add(body)
            batch.append((body + ric.calc_check_digit(body + "0"), birth))
        digests = {crypto.blind_index(number): (number, birth) for number, birth in batch}
        existing = set()
        keys = list(digests)
        for start in range(0, len(keys), 900):
            existing.update(Member.objects.filter(id_number_digest__in=keys[start:start + 900])
                            .values_list("id_number_digest", flat=True))
        chosen += [value for digest, value in digests.items() if digest not in existing]
    return rng, chosen


def write_roster(path: Path, rows: int, seed: int) -> None:
    rng, chosen = people(rows, seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("花名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, "某区党员花名册（基准测试）")
    for column, header in enumerate(HEADERS):
        sheet.write_string(2, column, header)
    for index, (number, birth) in enumerate(chosen):
        line = index + 3
        joined = birth + datetime.timedelta(days=365 * rng.randint(19, 40) + rng.randrange(300))
        joined = min(joined, datetime.date(2024, 6, 1))
        full = joined + datetime.timedelta(days=366)
        sex = "男" if int(number[16]) % 2 else "女"
        joined_text = (f"{joined.year}.{joined.month:02d}", f"{joined.year}年{joined.month}月",
                       f"{joined:%Y-%m-%d}")[index % 3]
        values = [str(index + 1), rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARACTERS, k=rng.choice((1, 2, 2, 2)))), sex, "汉族", number,
                  f"{birth:%Y-%m-%d}", joined_text, None, rng.choice(EDUCATION), "南京某单位",
                  f"139{rng.randrange(10**8):08d}", "正式党员", rng.choice(EMPLOYMENT), ""]
        for column, value in enumerate(values):
            if column == 7:
                sheet.write_datetime(line, column, datetime.datetime.combine(full, datetime.time()), date_format)
            elif value:
                sheet.write_string(line, column, value)
    workbook.close()


def import_once(actor, organization, data: bytes, *, keep: bool) -> dict:
    """Upload, preview and commit ``data`` as the services do (tasks run in this process), then
    undo it unless ``keep``: the seconds of each step."""
    # The search index's tidy-up is queued at the commit and runs after it, in the
    # background (services_import.member_search_index_tidy): the in-process task backend
    # would run it inside the commit's timing, so it is held back and timed on its own.
    tidy_queued = []
    real_tidy = services_import.member_search_index_tidy
    services_import.member_search_index_tidy = lambda: tidy_queued.append(True) or 0
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        batch = services_import.member_import_upload(actor=actor, organization=organization,
                                                     uploaded_file=SimpleUploadedFile("roster.xlsx", data))
        uploaded, cpu_uploaded = time.perf_counter(), time.process_time()
        batch = services_import.member_import_preview(actor=actor, batch=batch, columns=batch.mapping["columns"])
        previewed, cpu_previewed = time.perf_counter(), time.process_time()
        batch = services_import.member_import_commit(actor=actor, batch=batch)
        committed, cpu_committed = time.perf_counter(), time.process_time()
    finally:
        services_import.member_search_index_tidy = real_tidy
    run = {"total": committed - started, "upload": uploaded - started, "preview": previewed - uploaded,
           "commit": committed - previewed, "cpu": (cpu_uploaded - cpu_started, cpu_previewed - cpu_uploaded,
                                                    cpu_committed - cpu_previewed), "tidy": None, "undo": None}
    if tidy_queued:
        tidy_started = time.perf_counter()
        real_tidy()
        run["tidy"] = time.perf_counter() - tidy_started
    if batch.state != "done" or batch.imported_rows != batch.total_rows:
        sys.exit(f"import did not complete: {batch.state} {batch.imported_rows} rows, {batch.message} "
                 f"{batch.errors[:3]}")
    if not keep:
        undo_started, cpu_undo_started = time.perf_counter(), time.process_time()
        services_import.member_import_undo(actor=actor, batch=batch)
        run["undo"] = (time.perf_counter() - undo_started, time.process_time() - cpu_undo_started)
    return run


def describe(run: dict) -> str:
    cpu = run["cpu"]
    return (f"{run['total']:.1f} s end to end (upload {run['upload']:.1f} s, preview {run['preview']:.1f} s, "
            f"commit {run['commit']:.1f} s; {sum(cpu):.1f} s CPU in this process: "
            f"{cpu[0]:.1f} + {cpu[1]:.1f} + {cpu[2]:.1f})"
            + (f"; then, in the background, the name index tidied in {run['tidy']:.1f} s" if run["tidy"] is not None else "")
            + (f"; undo {run['undo'][0]:.1f} s ({run['undo'][1]:.1f} s CPU)" if run["undo"] is not None else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1,
                        help="import (and undo) the same file this many times; the median run is reported")
    parser.add_argument("--keep", action="store_true", help="keep the imported members (default: undo)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    options = parser.parse_args()
    if options.keep and options.repeat > 1:
        parser.error("--keep imports the file once: a second import of it would find every number registered")

    actor, organization = actor_and_organization()
    with tempfile.TemporaryDirectory() as media, override_settings(
            MEDIA_ROOT=media, TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        path = Path(media) / "roster.xlsx"
        started = time.perf_counter()
        write_roster(path, options.rows, options.seed)
        generated = time.perf_counter() - started
        data = path.read_bytes()
        print(f"# generated {options.rows:,} rows ({len(data) / 1e6:.1f} MB xlsx) in {generated:.1f} s",
              file=sys.stderr)
        runs = []
        for index in range(options.repeat):
            runs.append(import_once(actor, organization, data, keep=options.keep))
            print(f"# run {index + 1}: {describe(runs[-1])}", file=sys.stderr)

    totals = sorted(run["total"] for run in runs)
    median = sorted(runs, key=lambda run: run["total"])[(len(runs) - 1) // 2]
    spread = (f"median of {len(runs)} runs ({', '.join(f'{total:.1f}' for total in totals)} s): "
              if len(runs) > 1 else "")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vendor = connection.vendor if connection.vendor != "postgresql" else f"postgresql {connection.pg_version // 10000}"
    repeat = f" --repeat {options.repeat}" if options.repeat > 1 else ""
    print(f"| import of {options.rows:,} roster rows (xlsx → validated, encrypted, atomic) | {vendor}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()} | {spread}{describe(median)}; "
          f"peak RSS {peak_mb:.0f} MB | budget ≤ 15 s, floor ≈ 5.5 s | "
          f"`benchmarks/bench_import.py --rows {options.rows}{repeat}` |")
    print(f"# {machine.floors()}; {machine.describe()}", file=sys.stderr)
    print(f"# load average while running: {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)",
          file=sys.stderr)


if __name__ == "__main__":
    main()

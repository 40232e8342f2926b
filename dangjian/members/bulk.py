"""Plausible party members for the demo and reference cities, and a fast loader for the big ones.

:class:`PeopleGenerator` invents people: Chinese names (some of minority members with a middle
dot, 阿依古丽·买买提), a birth date, a resident ID number whose check digit python-stdnum computes
and whose region code is a Nanjing district (or the older code of a merged one, or another
province), and a life course that fits the age: education, joining and becoming full,
employment, difficulty. It is deterministic: the same random stream gives the same people, so
the demo is the same on every machine and a second run finds everyone already there (the ID
number's blind-index digest is the natural key).

``members/demo.py`` turns those people into members through ``services.member_create`` for the
demo city. For the district and the reference city (600,000 members) :func:`load_city` applies
the same derivations (``services.fill_id_number``: encryption, blind index, masking, birth date,
sex; ``services._finish``: pinyin) and writes rows in bulk — ``COPY`` on PostgreSQL,
``bulk_create`` elsewhere — together with floating records, transfers and care visits (at the
real-life-like rates of ``members/demo.py`` CITY_RATES, so the rules are not flagging
everyone). Bulk rows carry no history or audit entries (they are generated,
not entered by anyone).
"""

import datetime
import json
from dataclasses import dataclass

from django.db import connection, models
from stdnum.cn import ric

from dangjian.core.demo import weighted_choice

# ---------------------------------------------------------------- places

NANJING_DISTRICTS = ("320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115",
                     "320116", "320117", "320118")
# Districts merged in 2013: people registered before carry the old code.
OLD_CODES = {"320104": "320103", "320106": "320107", "320117": "320124", "320118": "320125"}
ELSEWHERE = ("340104", "340102", "320282", "321002", "320302", "320402", "320502", "320583", "341302",
             "370102", "110105", "310104", "410105", "420106")
PROVINCES = ("安徽省合肥市", "江苏省苏州市", "上海市", "浙江省杭州市", "广东省深圳市", "北京市", "江苏省无锡市",
             "山东省济南市", "湖北省武汉市", "江苏省扬州市", "江苏省徐州市", "河南省郑州市")

# ---------------------------------------------------------------- names

SURNAMES = ("王" * 9 + "李" * 9 + "张" * 8 + "刘" * 7 + "陈" * 7 + "杨" * 4 + "黄" * 3 + "赵" * 3 + "吴" * 3
            + "周" * 3 + "徐" * 3 + "孙" * 3 + "朱" * 3 + "马" * 2 + "胡" * 2 + "郭" * 2
            + "何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石"
              "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤葛殷")
DOUBLE_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "令狐")
GIVEN = {
    ("old", False): ("建国", "国强", "志强", "德明", "文华", "永康", "振华", "国平", "建华", "福生", "根宝", "家明",
                     "学军", "卫东", "红兵", "解放", "援朝", "明", "华", "军", "强", "平", "刚", "勇", "斌", "伟",
                     "忠", "良", "国庆", "跃进", "金龙", "长林"),
    ("old", True): ("秀英", "桂英", "玉兰", "桂兰", "秀兰", "凤英", "美华", "玉珍", "淑珍", "翠英", "丽华", "素珍",
                    "红", "英", "兰", "芳", "萍", "霞", "梅", "玉梅", "惠芬", "月娥", "金凤", "巧云"),
    ("mid", False): ("伟", "磊", "勇", "军", "杰", "涛", "斌", "超", "明", "刚", "鹏", "海波", "建军", "志刚",
                     "晓东", "文斌", "俊", "峰", "辉", "宁", "海涛", "小龙", "国栋", "立新"),
    ("mid", True): ("丽", "敏", "静", "燕", "艳", "娟", "霞", "婷", "雪", "琳", "晓燕", "丽娟", "海燕", "春梅",
                    "红梅", "玲", "慧", "洁", "晓红", "美玲", "桂芳", "文静"),
    ("young", False): ("浩", "宇", "轩", "俊杰", "浩然", "子豪", "宇航", "博文", "晨阳", "思远", "一鸣", "天佑",
                       "明轩", "睿", "子轩", "皓", "泽宇", "嘉诚", "梓豪", "逸飞", "鑫", "昊天"),
    ("young", True): ("欣怡", "梓涵", "诗涵", "雨桐", "佳怡", "思琪", "晨曦", "若曦", "子萱", "梦瑶", "可馨",
                      "雨欣", "佳琪", "颖", "璐", "倩", "悦", "心怡", "紫涵", "语嫣"),
}
UYGHUR_GIVEN = {False: ("买买提", "艾力", "艾尔肯", "阿不都热合曼", "吐尔逊", "努尔买买提", "亚森", "伊力哈木"),
                True: ("阿依古丽", "古丽娜尔", "迪丽努尔", "热依拉", "帕提古丽", "米热古丽", "阿娜尔罕", "祖丽菲亚")}
UYGHUR_FATHERS = ("买买提", "吐尔逊", "艾力", "热合曼", "阿不都", "依明", "司马义", "玉素甫", "卡德尔")
MONGOL_NAMES = {False: ("巴特尔", "那日苏", "额尔敦", "朝鲁", "苏和", "巴图"),
                True: ("其木格", "乌云", "斯琴", "苏日娜", "萨仁", "高娃")}
TIBETAN_NAMES = {False: ("扎西", "次仁", "格桑", "多吉", "平措"), True: ("卓玛", "央金", "德吉", "拉姆", "措姆")}

# (GB 3304 code, weight, region codes people of the group often carry or None for local)
ETHNICITIES = (
    ("01", 9680, None), ("03", 120, ("640104", None)), ("11", 50, None), ("05", 40, ("650102", "650103", "653101")),
    ("02", 30, ("150102", "152502")), ("08", 25, ("450102",)), ("04", 15, ("540102",)), ("06", 15, None),
    ("10", 10, None), ("15", 15, None),
)
HUI_SURNAMES = "马马马回哈白沙丁"

# ---------------------------------------------------------------- life course

ANCHOR = datetime.date(2026, 1, 1)  # ages are drawn relative to a fixed day: the same people every year
AGE_BANDS = {
    # (lowest, highest, weight): community branches are older (retired members live there)
    "community": ((19, 35, 12), (36, 45, 12), (46, 55, 14), (56, 60, 10), (61, 70, 24), (71, 80, 18),
                  (81, 95, 10)),
    "unit": ((22, 35, 35), (36, 45, 30), (46, 55, 25), (56, 62, 10)),
}
EDUCATION = (  # (born before, ((code, weight), ...))
    (1950, (("81", 15), ("71", 35), ("61", 25), ("41", 15), ("31", 7), ("21", 3))),
    (1966, (("71", 20), ("61", 30), ("41", 20), ("31", 18), ("21", 10), ("14", 2))),
    (1981, (("71", 2), ("61", 12), ("41", 13), ("31", 30), ("21", 35), ("14", 8))),
    (9999, (("61", 5), ("31", 20), ("21", 55), ("14", 17), ("11", 3))),
)
WORKPLACES = ("南京市鼓楼医院", "江苏省电力公司南京供电分公司", "南京地铁集团", "南京大学", "东南大学", "南京市第一中学",
              "中国银行南京分行", "南京港集团", "南京熊猫电子集团", "苏宁易购集团", "南京市公安局", "南京市玄武区人民政府",
              "江苏省人民医院", "南京长江发展集团", "南京市自来水总公司", "中国移动南京分公司")
DIFFICULTY_REASONS = ("本人患重病，医疗费用负担重", "残疾，生活自理困难", "家庭收入低，享受最低生活保障", "独居高龄，行动不便",
                      "子女患病，家庭负担重", "因灾因病致贫")
FLOATING_REASONS = ("外出务工", "外出经商", "随子女异地居住", "异地就医", "外出求学")


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Person:
    name: str
    id_number: str
    birth_date: datetime.date
    female: bool
    ethnicity: str  # GB 3304 code
    education: str  # GB/T 4658 code
    phone: str
    joined_on: datetime.date
    full_member_on: datetime.date | None
    employment: str
    workplace_text: str
    has_difficulty: bool
    difficulty_reason: str

    @property
    def status(self) -> str:
        return "full" if self.full_member_on else "probationary"

    def age_on(self, day: datetime.date) -> int:
        birth = self.birth_date
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class PeopleGenerator:
    """Invents people; ID numbers are unique across everything this generator has made."""

    def __init__(self, *, today: datetime.date):
        self.today = today
        self._taken: set[str] = set()

    def person(self, rng, *, district_code: str, kind: str = "community", ethnicity: str | None = None) -> Person:
        low, high = weighted_choice(rng, [((lo, hi), w) for lo, hi, w in AGE_BANDS[kind]])
        age = rng.randint(low, high)
        birth = add_years(ANCHOR, -age) - datetime.timedelta(days=rng.randrange(365))
        female = rng.random() < (0.52 if kind == "community" else 0.38)
        drawn, regions = weighted_choice(rng, [((code, regions), weight) for code, weight, regions in ETHNICITIES])
        if ethnicity is not None:
            regions = next(regions for code, _weight, regions in ETHNICITIES if code == ethnicity)
        ethnicity = ethnicity or drawn
        region = self._region(rng, district_code, birth, regions)
        name = self._name(rng, female=female, birth=birth, ethnicity=ethnicity)
        joined_on, full_member_on = self._joining(rng, birth)
        employment, workplace = self._employment(rng, kind=kind, female=female, age=age)
        education = weighted_choice(rng, next(weights for before, weights in EDUCATION if birth.year < before))
        difficulty = employment in ("retired", "laid_off") and rng.random() < 0.06
        return Person(
            name=name, id_number=self._id_number(rng, region, birth, female), birth_date=birth, female=female,
            ethnicity=ethnicity, education=education,
            phone=f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
            joined_on=joined_on, full_member_on=full_member_on, employment=employment, workplace_text=workplace,
            has_difficulty=difficulty, difficulty_reason=rng.choice(DIFFICULTY_REASONS) if difficulty else "",
        )

    # -- the parts

    @staticmethod
    def _region(rng, district_code: str, birth: datetime.date, regions) -> str:
        if regions and rng.random() < 0.7:
            choice = rng.choice(regions)
            if choice:
                return choice
        roll = rng.random()
        if roll < 0.62:
            old = OLD_CODES.get(district_code)
            return old if old and birth.year < 1990 and rng.random() < 0.5 else district_code
        if roll < 0.78:
            return rng.choice(NANJING_DISTRICTS)
        return rng.choice(ELSEWHERE)

    def _id_number(self, rng, region: str, birth: datetime.date, female: bool) -> str:
        start = rng.randrange(500)
        for step in range(500):
            sequence = ((start + step) % 500) * 2 + (0 if female else 1)  # 17th digit: odd men, even women
            body = f"{region}{birth:%Y%m%d}{sequence:03d}"
            if body not in self._taken:
                self._taken.add(body)
                return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
        raise RuntimeError(f"no free ID sequence for {region} {birth}")

    @staticmethod
    def _name(rng, *, female: bool, birth: datetime.date, ethnicity: str) -> str:
        if ethnicity == "05":
            return f"{rng.choice(UYGHUR_GIVEN[female])}·{rng.choice(UYGHUR_FATHERS)}"
        if ethnicity == "02" and rng.random() < 0.6:
            return rng.choice(MONGOL_NAMES[female])
        if ethnicity == "04":
            return rng.choice(TIBETAN_NAMES[female]) + rng.choice(TIBETAN_NAMES[rng.random() < 0.5])
        generation = "old" if birth.year < 1960 else "mid" if birth.year < 1985 else "young"
        if ethnicity == "03" and rng.random() < 0.6:
            surname = rng.choice(HUI_SURNAMES)
        elif rng.random() < 0.004:
            surname = rng.choice(DOUBLE_SURNAMES)
        else:
            surname = rng.choice(SURNAMES)
        return surname + rng.choice(GIVEN[(generation, female)])

    def _joining(self, rng, birth: datetime.date):
        join_age = weighted_choice(rng, (((18, 25), 45), ((26, 35), 35), ((36, 50), 20)))
        joined = add_years(birth, rng.randint(*join_age)) + datetime.timedelta(days=rng.randrange(365))
        earliest = add_years(birth, 18) + datetime.timedelta(days=30)
        latest = self.today - datetime.timedelta(days=7)
        if joined > latest:  # too young for that joining age: joined recently instead
            joined = latest - datetime.timedelta(days=rng.randrange(max(1, min(3 * 365, (latest - earliest).days))))
        joined = max(joined, earliest)
        # The branch votes on becoming full soon after the year of probation.
        full = add_years(joined, 1) + datetime.timedelta(days=rng.randrange(40))
        return joined, (full if full <= self.today else None)

    @staticmethod
    def _employment(rng, *, kind: str, female: bool, age: int):
        if kind == "unit":
            return ("retired", "") if age >= 60 else ("employed", "")
        if age >= (55 if female else 60) and rng.random() < 0.92:
            return "retired", ""
        roll = rng.random()
        if age <= 24 and roll < 0.5:
            return "student", rng.choice(("南京大学", "东南大学", "南京师范大学", "河海大学"))
        if 35 <= age <= 58 and roll < 0.10:
            return "laid_off", ""
        if roll > 0.97:
            return "other", ""
        return "employed", rng.choice(WORKPLACES)


# ---------------------------------------------------------------- loading rows in bulk


class Loader:
    """Buffers unsaved model instances with explicit primary keys and writes them in chunks:
    ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere. No signals, no history."""

    def __init__(self, chunk: int = 20_000):
        self.chunk = chunk
        self.buffers: dict[type[models.Model], list] = {}
        self.next_ids: dict[type[models.Model], int] = {}
        self.counts: dict[type[models.Model], int] = {}

    def next_id(self, model: type[models.Model]) -> int:
        if model not in self.next_ids:
            self.next_ids[model] = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        value = self.next_ids[model]
        self.next_ids[model] = value + 1
        return value

    def add(self, obj: models.Model) -> None:
        buffer = self.buffers.setdefault(type(obj), [])
        buffer.append(obj)
        if len(buffer) >= self.chunk:
            self.flush(type(obj))

    def flush(self, model: type[models.Model] | None = None) -> None:
        for each in [model] if model else list(self.buffers):
            rows = self.buffers.get(each) or []
            if rows:
                write_rows(each, rows)
                self.counts[each] = self.counts.get(each, 0) + len(rows)
                self.buffers[each] = []

    def finish(self) -> None:
        """Flush everything (members first: the other rows point at them), move the id
        sequences past the ids used, and refresh the planner's statistics."""
        ordered = sorted(self.buffers, key=lambda model: model.__name__ != "Member")
        for model in ordered:
            self.flush(model)
        if connection.vendor == "postgresql" and self.counts:
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), list(self.counts)):
                    cursor.execute(statement)
                for model in self.counts:
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        elif connection.vendor == "sqlite" and self.counts:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def write_rows(model: type[models.Model], rows: list[models.Model]) -> None:
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=2000)
        return
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    getters = [_copy_value(field) for field in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([get(row) for get in getters])


def _copy_value(field: models.Field):
    attname = field.attname
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, attname), ensure_ascii=False)
    return lambda obj: getattr(obj, attname)

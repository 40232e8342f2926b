"""Party members and the records of their life in the organization: transfers, floating
records, care visits and the visiting cadence a community sets.

A member belongs to exactly one PartyOrganization (组织关系所在); their scope anchor is that
organization (and through it, the area the organization is located in). The ID number is
stored encrypted, found through a keyed blind index and shown masked (core/crypto.py).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dangjian.core.fields import CodePointCharField
from dangjian.core.models import Code
from dangjian.organizations.models import Area, PartyOrganization, Unit


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("在职")
    RETIRED = "retired", _("离退休")
    LAID_OFF = "laid_off", _("下岗失业")
    STUDENT = "student", _("学生")
    OTHER = "other", _("其他")


OFF_POST = (Employment.RETIRED, Employment.LAID_OFF)  # 离岗党员 (GLOSSARY)


class Standing(models.TextChoices):
    """Whether the member is still on the roll. Leaving is kept as history, never deleted."""

    ACTIVE = "active", _("在册")
    DECEASED = "deceased", _("去世")
    REMOVED = "removed", _("除名")
    EXPELLED = "expelled", _("开除党籍")
    WITHDRAWN = "withdrawn", _("退党")
    TRANSFERRED_OUT = "transferred_out", _("转出本系统")


class MemberQuerySet(models.QuerySet):
    def on_roll(self):
        return self.filter(standing=Standing.ACTIVE)


class Member(models.Model):
    name = models.CharField(_("姓名"), max_length=40)
    # sorted and searched by prefix through one index (Meta.indexes; see CodePointCharField)
    name_pinyin = CodePointCharField(_("姓名拼音"), max_length=200, editable=False)
    name_initials = models.CharField(_("拼音首字母"), max_length=40, editable=False)
    # The code-table keys have no index and no database constraint. No index: nothing looks
    # members up by sex, ethnicity or education across the city (lists and statistics narrow by
    # organization first). No constraint: PostgreSQL checks a foreign key row by row, which cost a
    # 100,000-row import ≈ 2 s per key (docs/benchmarks.md) to re-check three national code tables
    # that migrations load and nothing deletes (PROTECT refuses it in Django); every write resolves
    # the code through services._code first.
    sex = models.ForeignKey(Code, verbose_name=_("性别"), on_delete=models.PROTECT, related_name="+",
                            limit_choices_to={"table": "sex"}, db_index=False, db_constraint=False)
    ethnicity = models.ForeignKey(Code, verbose_name=_("民族"), on_delete=models.PROTECT, related_name="+",
                                  limit_choices_to={"table": "ethnicity"}, db_index=False, db_constraint=False)
    education = models.ForeignKey(Code, verbose_name=_("学历"), on_delete=models.PROTECT, related_name="+",
                                  null=True, blank=True, limit_choices_to={"table": "education"}, db_index=False,
                                  db_constraint=False)
    # Personal data: ciphertext, keyed digest for exact search and uniqueness, masked copy for lists.
    id_number_ciphertext = models.TextField(editable=False)
    id_number_digest = CodePointCharField(max_length=64, editable=False)  # unique: Meta.constraints
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    joined_on = models.DateField(_("入党时间"))
    full_member_on = models.DateField(_("转正时间"), null=True, blank=True)
    status = models.CharField(_("党员类别"), max_length=20, choices=MemberStatus.choices)
    employment = models.CharField(_("就业状况"), max_length=20, choices=Employment.choices,
                                  default=Employment.EMPLOYED)
    workplace_unit = models.ForeignKey(Unit, verbose_name=_("工作单位"), on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="employed_members",
                                       db_index=False)  # partly indexed: Meta.indexes
    workplace_text = models.CharField(_("工作单位（系统外）"), max_length=120, blank=True)
    # indexed by member_org_pinyin, which starts with it
    organization = models.ForeignKey(PartyOrganization, verbose_name=_("所在党组织"), on_delete=models.PROTECT,
                                     related_name="members", db_index=False)
    residence_area = models.ForeignKey(Area, verbose_name=_("居住社区"), on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="resident_members",
                                       db_index=False)  # partly indexed: Meta.indexes
    lost_contact_since = models.DateField(_("失联日期"), null=True, blank=True)
    has_difficulty = models.BooleanField(_("困难党员"), default=False)
    difficulty_reason = models.CharField(_("困难情况"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    standing = models.CharField(_("党籍状态"), max_length=20, choices=Standing.choices, default=Standing.ACTIVE)
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    # No database constraint, as for the codes above: the batch is created before its rows and
    # never deleted; the check would cost every imported row.
    import_batch = models.ForeignKey("members.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="members", editable=False, db_constraint=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Optimistic locking: each saved change is a new version; an edit made on an older one is
    # refused (services.member_update), so concurrent edits never overwrite each other silently.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = MemberQuerySet.as_manager()
    # The history is read per member (its id) and as of a date (history_date): those two indexes
    # and its primary key are all it needs. simple-history would otherwise index every indexed
    # column and foreign key again, which made the history table cost an import as much as the
    # member table itself. Nor does the database check each history row's user: PostgreSQL checks
    # a foreign key row by row at COMMIT (≈ 0.6 s for an import's 100,000 rows), and accounts are
    # deactivated, never deleted (accounts.admin), so the reference cannot dangle.
    history = HistoricalRecords(excluded_fields=["id_number_ciphertext", "id_number_digest"],
                                no_db_index=["name_pinyin", "sex", "ethnicity", "education", "workplace_unit",
                                             "organization", "residence_area", "import_batch"],
                                user_db_constraint=False)
    scope_organization_path = "organization__"
    scope_area_path = "organization__area__"

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["name_pinyin", "id"]
        # Each index is paid for by every imported row (ARCHITECTURE.md: a 100,000-row import in
        # 15 s), so each one here serves a search or a list: no duplicates, no index that no query
        # uses. On PostgreSQL the prefix searches (LIKE 'hj%', LIKE '139%') need
        # varchar_pattern_ops under the C.UTF-8 collation; SQLite ignores the operator class and
        # serves its range form of the same search (selectors._prefix) from the plain index.
        indexes = [
            models.Index(fields=["organization", "name_pinyin", "id"], name="member_org_pinyin"),
            models.Index(fields=["name_pinyin"], name="member_pinyin"),
            models.Index(fields=["standing", "employment"], name="member_standing_employment"),
            models.Index(fields=["name_initials"], name="member_initials_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["phone"], name="member_phone_prefix", opclasses=["varchar_pattern_ops"]),
            # Where members live or work is known for a few of them (an import sets neither):
            # only those rows are indexed, which is all that "the members of this unit" asks for.
            models.Index(fields=["residence_area"], name="member_residence",
                         condition=models.Q(residence_area__isnull=False)),
            models.Index(fields=["workplace_unit"], name="member_workplace",
                         condition=models.Q(workplace_unit__isnull=False)),
        ]
        # A constraint rather than unique=True: the same uniqueness without the second,
        # pattern-ops copy PostgreSQL adds for a unique text column (the digest is only ever
        # compared whole).
        constraints = [models.UniqueConstraint(fields=["id_number_digest"], name="member_id_number_digest_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    @property
    def is_off_post(self) -> bool:
        return self.employment in OFF_POST

    def age_on(self, day: datetime.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    def standing_years_on(self, day: datetime.date) -> int | None:
        """Party standing (党龄) counts from becoming a full member (RULES.md MEM-01)."""
        if not self.full_member_on:
            return None
        start = self.full_member_on
        return day.year - start.year - ((day.month, day.day) < (start.month, start.day))

    @property
    def probation_ends_on(self) -> datetime.date | None:
        """One year from joining (the branch vote), MEM-01."""
        if self.status != MemberStatus.PROBATIONARY:
            return None
        try:
            return self.joined_on.replace(year=self.joined_on.year + 1)
        except ValueError:
            return self.joined_on.replace(year=self.joined_on.year + 1, day=28)


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("在途")
    RECEIVED = "received", _("已接收")
    RETURNED = "returned", _("已退回")
    EXPIRED = "expired", _("已过期")


class Transfer(models.Model):
    """An introduction letter (组织关系介绍信) moving a member between organizations."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="transfers")
    from_organization = models.ForeignKey(PartyOrganization, verbose_name=_("转出党组织"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="transfers_out")
    from_outside = models.CharField(_("转出单位（系统外）"), max_length=120, blank=True)
    to_organization = models.ForeignKey(PartyOrganization, verbose_name=_("转入党组织"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="transfers_in")
    to_outside = models.CharField(_("转入单位（系统外）"), max_length=120, blank=True)
    letter_number = models.CharField(_("介绍信编号"), max_length=40)
    issued_on = models.DateField(_("开具日期"))
    valid_days = models.PositiveSmallIntegerField(_("有效期（天）"), default=90)
    status = models.CharField(_("状态"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.ISSUED)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    reason = models.CharField(_("转接原因"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords()
    # Both sides see a letter in transit.
    scope_organization_path = ("from_organization__", "to_organization__")
    scope_area_path = ("from_organization__area__", "to_organization__area__")

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # A member has at most one letter in transit (issue 3, "Bad input").
            models.UniqueConstraint(fields=["member"], condition=models.Q(status="issued"),
                                    name="transfer_one_in_transit_per_member"),
        ]

    def __str__(self):
        return f"{self.letter_number} {self.member}"

    @property
    def expires_on(self) -> datetime.date:
        return self.issued_on + datetime.timedelta(days=self.valid_days)


class FloatingDirection(models.TextChoices):
    OUTFLOW = "outflow", _("流出")
    INFLOW = "inflow", _("流入")


class FloatingRecord(models.Model):
    """A period during which a member lives or works away (流动党员), MEM-04.

    Outflow: the member's own organization keeps contact. Inflow: a member of another
    organization (in or outside the system) is managed by ``host_organization`` here.
    """

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="floating_records")
    direction = models.CharField(_("流向"), max_length=10, choices=FloatingDirection.choices)
    # For an inflow member from outside the system the person is described here.
    outside_name = models.CharField(_("姓名（系统外党员）"), max_length=40, blank=True)
    outside_organization = models.CharField(_("原党组织（系统外）"), max_length=120, blank=True)
    host_organization = models.ForeignKey(PartyOrganization, verbose_name=_("流入地党组织"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="hosted_floating_records")
    place = models.CharField(_("流入地或流出地"), max_length=120)
    reason = models.CharField(_("流动原因"), max_length=120, blank=True)
    card_number = models.CharField(_("流动党员活动证号"), max_length=40, blank=True)
    contact = models.CharField(_("联系方式"), max_length=60, blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    last_contact_on = models.DateField(_("最近联系日期"), null=True, blank=True)

    history = HistoricalRecords()
    scope_organization_path = ("member__organization__", "host_organization__")
    scope_area_path = ("member__organization__area__", "host_organization__area__")

    class Meta:
        verbose_name = _("流动党员登记")
        verbose_name_plural = _("流动党员登记")
        ordering = ["-started_on", "-id"]

    def __str__(self):
        who = self.member.name if self.member_id else self.outside_name
        return f"{who} · {self.get_direction_display()} · {self.place}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class CareGroup(models.TextChoices):
    RETIRED = "retired", _("离退休党员")
    LAID_OFF = "laid_off", _("下岗失业党员")
    FLOATING = "floating", _("流动党员")
    DIFFICULTY = "difficulty", _("困难党员")


class CareCadence(models.Model):
    """How often a community visits each care group (RULES.md MEM-08, local practice)."""

    area = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.CASCADE, related_name="care_cadences")
    group = models.CharField(_("关爱对象"), max_length=20, choices=CareGroup.choices)
    every_months = models.PositiveSmallIntegerField(_("走访周期（月）"))

    scope_area_path = "area__"

    class Meta:
        verbose_name = _("走访周期")
        verbose_name_plural = _("走访周期")
        ordering = ["area_id", "group"]
        constraints = [models.UniqueConstraint(fields=["area", "group"], name="care_cadence_unique")]

    def __str__(self):
        return f"{self.area} · {self.get_group_display()} · 每{self.every_months}个月"

    @staticmethod
    def default_months(group: str) -> int:
        return settings.DANGJIAN_RULES["CARE_VISIT_MONTHS"][group]


class HelpKind(models.TextChoices):
    MONEY = "money", _("慰问金")
    GOODS = "goods", _("慰问品")
    JOB_REFERRAL = "job_referral", _("就业推荐")
    MEDICAL_REFERRAL = "medical_referral", _("就医帮扶")
    OTHER = "other", _("其他帮扶")


class CareVisit(models.Model):
    """A visit to a member (走访慰问): what was found, what help was given."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="care_visits")
    visited_on = models.DateField(_("走访日期"))
    visitor = models.CharField(_("走访人"), max_length=60)
    findings = models.TextField(_("了解情况"), blank=True)
    help_kinds = models.JSONField(_("帮扶方式"), default=list, blank=True)
    amount = models.DecimalField(_("慰问金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    help_detail = models.CharField(_("帮扶内容"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("走访慰问")
        verbose_name_plural = _("走访慰问")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["member", "-visited_on"], name="care_visit_member_date")]

    def __str__(self):
        return f"{self.visited_on} {self.member}"


class ImportBatch(models.Model):
    """One spreadsheet import: what was uploaded, the mapping, the outcome. Undoable as a whole
    while no row it created has changed since."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        PREVIEWED = "previewed", _("已预览")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        UNDONE = "undone", _("已撤销")

    organization = models.ForeignKey(PartyOrganization, verbose_name=_("导入到党组织"), on_delete=models.PROTECT,
                                     related_name="import_batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    file_sha256 = models.CharField(max_length=64, editable=False)
    mapping = models.JSONField(_("列对应关系"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.UPLOADED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    valid_rows = models.PositiveIntegerField(_("有效行数"), default=0)
    imported_rows = models.PositiveIntegerField(_("已导入行数"), default=0)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    only_valid_rows = models.BooleanField(_("只导入有效行"), default=False)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("结果"), max_length=300, blank=True)

    scope_organization_path = "organization__"
    scope_area_path = "organization__area__"

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.file_name}（{self.uploaded_at:%Y-%m-%d %H:%M}）"


class ColumnMapping(models.Model):
    """The column mapping a user last confirmed, remembered for the next upload."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    headers_key = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("列对应关系")
        verbose_name_plural = _("列对应关系")
        constraints = [models.UniqueConstraint(fields=["user", "headers_key"], name="column_mapping_unique")]

    def __str__(self):
        return f"{self.user} · {self.headers_key[:8]}"

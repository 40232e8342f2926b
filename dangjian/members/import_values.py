"""The values an accepted roster row is saved with, derived and checked without a Member instance.

``services.member_create`` builds a Member, fills it (``fill_id_number``, ``_finish``) and runs
``full_clean``. For 100,000 rows the instance and ``full_clean`` cost more than everything else
together (a model ``__init__`` sets ~30 attributes and descriptors; ``clean_fields`` walks every
field). Here the same service helpers fill a plain stand-in (:class:`Draft`), and
:class:`FieldChecks` runs the model fields' own ``clean`` — same validators, same messages —
skipping it only where the field's declared limits show the value passes (a text within its
max_length, without NUL). A test compares the verdicts with ``Member.full_clean``.
"""

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

from dangjian.core import crypto
from dangjian.core.id_numbers import sex_code_of_valid
from dangjian.members import services
from dangjian.members.models import Member

# What a prepared row carries, in order (after its line number): Member attribute names.
PREPARED_FIELDS = ("name", "name_pinyin", "name_initials", "sex_id", "ethnicity_id", "education_id",
                   "id_number_ciphertext", "id_number_digest", "id_number_masked", "birth_date", "phone",
                   "joined_on", "full_member_on", "status", "employment", "workplace_text", "notes")
# Checked per row: what a roster sets. The code-table keys, the ID-derived values and the
# batch-wide constants (organization, defaults) are right by construction or checked once.
CHECKED_FIELDS = ("name", "name_pinyin", "name_initials", "phone", "joined_on", "full_member_on", "status",
                  "employment", "workplace_text", "notes")
_PLAIN_TEXT_VALIDATORS = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)


class Draft:
    """Stands in for the Member that ``services.fill_id_number`` and ``services._finish`` fill."""

    __slots__ = (*PREPARED_FIELDS, "sex", "has_difficulty", "difficulty_reason")

    def __init__(self, **values):
        self.has_difficulty = False
        self.difficulty_reason = ""
        for name, value in values.items():
            setattr(self, name, value)


class FieldChecks:
    """``Member.full_clean`` for the fields a roster sets: {label：message} in Chinese, or [].

    A field's ``clean`` is asked for every value, except a text that its field's declared
    limits already accept: a plain text field (max_length and no-NUL validators, no choices)
    and a text within max_length without NUL. Other answers are remembered per value (status,
    employment and dates repeat across a roster)."""

    def __init__(self, model=Member, names=CHECKED_FIELDS):
        self.plan = []  # (attname, max_length of a plain text field or None, blank, field)
        for field in (model._meta.get_field(name) for name in names):
            plain = (isinstance(field, models.CharField | models.TextField) and not field.choices
                     and all(isinstance(validator, _PLAIN_TEXT_VALIDATORS) for validator in field.validators))
            limit = (field.max_length or float("inf")) if plain else None
            self.plan.append((field.attname, limit, field.blank, field))
        self._verdicts: dict[tuple[str, object], list[str]] = {}

    def errors(self, draft: Draft) -> list[str]:
        found = []
        for attname, limit, blank, field in self.plan:
            value = getattr(draft, attname)
            if limit is not None and isinstance(value, str) and len(value) <= limit and (value or blank) \
                    and "\x00" not in value:
                continue
            if blank and value in field.empty_values:
                continue  # as Model.clean_fields
            if limit is not None:
                found += self._clean(field, value)
                continue
            verdict = self._verdicts.get((attname, value))
            if verdict is None:
                verdict = self._verdicts[attname, value] = self._clean(field, value)
            found += verdict
        return found

    @staticmethod
    def _clean(field, value) -> list[str]:
        try:
            field.clean(value, None)
        except ValidationError as error:
            label = str(field.verbose_name)
            return [message if label in message else f"{label}：{message}" for message in error.messages]
        return []


class Preparer:
    """The prepared values (PREPARED_FIELDS order) of an accepted row, or the reasons it is refused."""

    def __init__(self, *, sexes: dict, keyring: crypto.Keyring):
        self.sexes = sexes  # {sex code: Code}, looked up once per file
        self.keyring = keyring
        self.checks = FieldChecks()
        self.default_employment = Member._meta.get_field("employment").get_default()

    def prepare(self, fields: dict, number: str) -> tuple[Draft, list[str]]:
        """``fields`` are RowReader's: service-ready, codes resolved, ``number`` validated."""
        draft = Draft(
            name=fields["name"], phone=fields.get("phone", ""), joined_on=fields.get("joined_on"),
            full_member_on=fields.get("full_member_on"), status=fields["status"],
            employment=fields.get("employment") or self.default_employment,
            workplace_text=fields.get("workplace_text", ""), notes=fields.get("notes", ""),
        )
        ethnicity, education = fields.get("ethnicity"), fields.get("education")
        draft.ethnicity_id = ethnicity.pk if ethnicity is not None else None
        draft.education_id = education.pk if education is not None else None
        services.fill_id_number(draft, number, digest=self.keyring.blind_index(number),
                                sex=self.sexes[sex_code_of_valid(number)], keyring=self.keyring)
        draft.sex_id = draft.sex.pk
        services._finish(draft)
        return draft, self.checks.errors(draft)

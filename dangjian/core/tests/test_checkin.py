import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core import checkin

START = timezone.make_aware(datetime.datetime(2026, 11, 26, 9, 0))
END = START + datetime.timedelta(hours=2)


def test_token_round_trips_and_names_its_kind():
    token = checkin.checkin_token(kind="school.class", pk=42)
    assert checkin.read_checkin_token(token, kind="school.class") == 42
    with pytest.raises(ValidationError, match="签到码无效"):
        checkin.read_checkin_token(token, kind="activities.activity")


@given(st.text(max_size=80))
def test_forged_or_damaged_tokens_are_refused(text):
    with pytest.raises(ValidationError, match="签到码无效"):
        checkin.read_checkin_token(text, kind="school.class")


def test_tampered_token_is_refused():
    token = checkin.checkin_token(kind="school.class", pk=42)
    with pytest.raises(ValidationError):
        checkin.read_checkin_token(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], kind="school.class")


def test_window_opens_half_an_hour_ahead_and_closes_after_the_event(settings):
    window = checkin.checkin_window(starts_at=START, ends_at=END)
    checkin.require_open(window, START - datetime.timedelta(minutes=30))
    checkin.require_open(window, END + datetime.timedelta(minutes=30))
    with pytest.raises(ValidationError, match="签到尚未开始：11月26日 08:30 起"):
        checkin.require_open(window, START - datetime.timedelta(minutes=31))
    with pytest.raises(ValidationError, match="签到已结束"):
        checkin.require_open(window, END + datetime.timedelta(minutes=31))
    settings.DANGJIAN_CHECKIN = {"opens_before_minutes": 10, "closes_after_minutes": 0}
    narrow = checkin.checkin_window(starts_at=START, ends_at=END)
    assert not narrow.contains(START - datetime.timedelta(minutes=11)) and not narrow.contains(END + datetime.timedelta(seconds=1))


def test_qr_code_is_inline_svg():
    svg = checkin.qr_svg("https://dangjian.example/m/checkin/abc")
    assert svg.startswith("<svg") and "http" not in svg.split(">", 1)[1].replace("http://www.w3.org", "")

"""The codes just issued, kept for the printable slips and the .xlsx list.

Codes are stored hashed, so the plain codes exist only in the issuing administrator's
session (server-side) until it ends; they are shown on the slips page and exported from it.
"""

import io
import secrets

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangjian.core.masking import mask_phone
from dangjian.members.selectors import member_list_for

_SESSION_KEY = "portal_slips"
_KEEP = 5  # the last few issues stay available in the session


def remember(request, result: dict) -> str:
    key = secrets.token_urlsafe(8)
    stored = dict(request.session.get(_SESSION_KEY, {}))
    stored[key] = {
        "codes": [[member.pk, code] for member, code in result["issued"]],
        "skipped": [member.pk for member in result["skipped"]],
        "expires_at": result["expires_at"].isoformat(),
    }
    while len(stored) > _KEEP:
        stored.pop(next(iter(stored)))
    request.session[_SESSION_KEY] = stored
    return key


def recall(request, key: str) -> dict:
    """The slips of one issue, with the members read again through the actor's scope (404 if gone)."""
    import datetime

    entry = request.session.get(_SESSION_KEY, {}).get(key)
    if entry is None:
        raise Http404("激活码清单已失效（只在签发后的本次登录中可以查看），请重新签发。")
    ids = [member_id for member_id, _code in entry["codes"]] + entry["skipped"]
    members = member_list_for(request.user).select_related("organization").in_bulk(ids)
    if len(members) != len(set(ids)):
        raise PermissionDenied("清单中有您无权查看的党员。")
    return {
        "slips": [{"member": members[member_id], "code": code, "phone": mask_phone(members[member_id].phone)}
                  for member_id, code in entry["codes"]],
        "skipped": [members[member_id] for member_id in entry["skipped"]],
        "expires_at": datetime.datetime.fromisoformat(entry["expires_at"]),
    }


def workbook(slips: dict, activate_url: str) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#F3E5E5", "border": 1})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("激活码")
    headers = ["姓名", "所在党组织", "手机号码", "激活码", "有效期至", "激活网址"]
    for column, label in enumerate(headers):
        sheet.set_column(column, column, 24 if column in (1, 5) else 14, text)
        sheet.write_string(0, column, label, bold)
    expires = f"{slips['expires_at'].astimezone():%Y-%m-%d %H:%M}"
    for row, slip in enumerate(slips["slips"], start=1):
        member = slip["member"]
        for column, value in enumerate([member.name, member.organization.name, slip["phone"], slip["code"],
                                        expires, activate_url]):
            sheet.write_string(row, column, value, text)
    book.close()
    return output.getvalue()

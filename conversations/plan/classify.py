"""Kind and audience of a plan step, guessed from its wording.

Kinds drive what the bot does (remind units to self-assess, announce a survey, …), so the
rules look at what the task *does*: the earliest kind cue in the task wins ("Thẩm định kết quả
tự đánh giá" is an appraisal, "Triển khai điều tra xã hội học … Đại biểu Hội đồng nhân dân" a
survey). Words governed by "hướng dẫn"/"đôn đốc" are ignored: guiding units to self-assess is
the organisers' job, not the self-assessment itself. A bare "kết quả" does not make a
publication either, since nearly every step mentions results (thẩm định kết quả, tổng hợp kết
quả); only công bố / công khai / thông báo kết quả / xếp hạng do.

Audience is who must act, read from the lead agency (or, without one, the task): specialised
departments only (or named ones: "Sở Tư pháp", "Phòng Văn hóa …") → ``department``; communes
only → ``commune``; both, or "các cơ quan, đơn vị" → ``all``; the organisers (Nội vụ, the
People's Committee, a council) → ``admins``, and always so when a single lead starts with one
of them ("Hội đồng thẩm định …", "Phòng Nội vụ"). ``actors.decide_audience`` adds the
organisers' own work for steps that name no lead.
"""

from __future__ import annotations

import re
from typing import Final

from conversations.plan.model import Audience, Kind
from scoring.values import fold_chars

_KIND_CUES: Final[tuple[tuple[Kind, re.Pattern[str]], ...]] = (
    (
        "self_assessment",
        re.compile(
            r"tu danh gia|tu cham|tai lieu kiem chung|\btlkc\b|giai trinh|self[- ]?assess"
            r"|self[- ]?scor"
        ),
    ),
    (
        "survey",
        re.compile(
            r"dieu tra|khao sat|xa hoi hoc|\bd?txhh\b|sipas|do luong su hai long|phieu hoi"
            r"|survey"
        ),
    ),
    ("appraisal", re.compile(r"tham dinh|phuc tra|hoi dong(?! nhan dan)|cham lai|apprais")),
    (
        "publication",
        re.compile(r"cong bo|cong khai ket qua|thong bao ket qua|xep hang|publish|announce"),
    ),
)
_GOVERNED = re.compile(r"\b(huong dan|don doc)\b[^;.()]*")


def classify_kind(*texts: str) -> Kind:
    """The kind of the first text that has a cue; ``other`` when none has."""
    for text in texts:
        folded = _GOVERNED.sub(lambda m: " " * len(m[0]), fold_chars(text))
        best: tuple[int, Kind] | None = None
        for kind, cue in _KIND_CUES:
            m = cue.search(folded)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), kind)
        if best is not None:
            return best[1]
    return "other"


# What specialised departments are named after ("Sở Tư pháp", "Phòng Tài chính - Kế hoạch");
# Nội vụ is the organiser, and "số liệu", "phòng chống" are not departments.
_DEPARTMENT_FIELDS = (
    "tu phap|tai chinh|ke hoach|thong tin|khoa hoc|y te|giao duc|van hoa|xay dung|cong thuong"
    "|lao dong|nong nghiep|tai nguyen|giao thong|ngoai vu|du lich|kinh te|quan ly do thi|dan toc"
)
_DEPARTMENT = re.compile(
    r"co quan chuyen mon|phong chuyen mon|phong,? ban chuyen mon|cac phong\b|cac phong, ban"
    r"|cac so\b|so, ban, nganh|so, nganh|so ban nganh|\bdepartments?\b"
    rf"|(?<!chi )\bso (?:{_DEPARTMENT_FIELDS})\b|(?<!van )\bphong (?:{_DEPARTMENT_FIELDS})\b"
)
_COMMUNE = re.compile(
    r"\bxa\b(?! hoi)|\bthi tran\b|(?<!dia )\bphuong\b(?! (?:phap|an|tien|thuc|huong|cham))"
    r"|\bcommunes?\b"
)
_EVERYONE = re.compile(
    r"cac co quan,? don vi|co quan, don vi|don vi, dia phuong|cac don vi\b|tat ca|all units"
)
_ORGANISER = re.compile(
    r"noi vu|hoi dong|\bubnd\b|uy ban nhan dan|van phong|ban chi dao|to thu ky|chu tich"
)


# A lead that starts with one of these is the organisers, whatever units it names after.
_ORGANISER_LEAD = re.compile(
    r"^(?:hoi dong|to (?:tham dinh|thu ky|giup viec)|ban chi dao|(?:phong|so) noi vu|chu tich"
    r"|(?:ubnd|uy ban nhan dan) (?:huyen|tinh|thanh pho|quan|thi xa)\b)"
)


def classify_audience(lead: str | None, context: str = "") -> Audience:
    """Who must act on a step: from the lead agency, else from the task wording."""
    if lead and ";" not in lead and _ORGANISER_LEAD.match(fold_chars(lead).strip()):
        return "admins"
    for text, default in ((lead, "admins"), (context, "all")):
        if not text:
            continue
        folded = fold_chars(text)
        dept = bool(_DEPARTMENT.search(folded))
        commune = bool(_COMMUNE.search(folded))
        if dept and commune:
            return "all"
        if dept:
            return "department"
        if commune:
            return "commune"
        if _EVERYONE.search(folded):
            return "all"
        if _ORGANISER.search(folded) or default == "admins":
            return "admins"
    return "all"

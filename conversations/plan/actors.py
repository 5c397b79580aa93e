"""Who does a plan step: the agency that leads it, those that coordinate, and the action itself.

Plans say who acts in three ways, and the importer reads all of them:

* a column or a label ("Cơ quan chủ trì: Phòng Nội vụ", "Cơ quan phối hợp: …");
* the subject of the sentence that sets the date ("Phòng Nội vụ chủ trì, phối hợp với Văn phòng
  HĐND và UBND huyện tổng hợp …", "Giao Sở Nội vụ …", "12 cơ quan chuyên môn và Ủy ban nhân dân
  10 xã, phường căn cứ …, tiến hành tự đánh giá …", "Phòng Tư pháp: Thẩm định …");
* the section the sentence stands in ("1. Phòng Nội vụ" followed by its duties).

``split_actor`` cuts a clause into (lead, coordinating, action): the subject ends at the first
verb of the action, so the title that is left is what is done, not who does it.

Who must act (``audience``) follows the lead when there is one. Without one, the organiser's
own work (printing and handing out survey forms, running and tallying the survey, the
council's appraisal, ranking, publication, submitting results for approval) belongs to the
admins and never to the units: reminding every commune of the council's meeting is noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from conversations.plan.classify import classify_audience
from conversations.plan.model import Audience, Kind
from scoring.values import fold_chars

# The head words of an agency, folded; a subject must start with one of them.
_AGENCY: Final = re.compile(
    r"^(?:\d{1,3}\s+)?(?:cac\s+|tat ca\s+|moi\s+)?(?:"
    r"phong|so|van phong|ubnd|uy ban nhan dan|hoi dong|to (?:tham dinh|thu ky|cong tac|giup viec)"
    r"|ban (?:chi dao|tiep cong dan)|trung tam|co quan|don vi|thanh tra|bo phan|chu tich"
    r"|thu truong|lanh dao|dia phuong|xa\b(?! hoi)|phuong\b|thi tran|huyen|tinh|thanh pho"
    r")\b"
)
# Words that begin the action (or end the subject); folded, whole words.
_VERBS: Final = (
    "chu tri",
    "phoi hop",
    "to chuc",
    "thuc hien",
    "tien hanh",
    "trien khai",
    "tu danh gia",
    "tu cham",
    "cham diem",
    "gui",
    "nop",
    "hoan thanh",
    "co trach nhiem",
    "chiu trach nhiem",
    "tham muu",
    "tong hop",
    "tham dinh",
    "cong bo",
    "phat",
    "in",
    "thu",
    "xay dung",
    "ban hanh",
    "hop",
    "can cu",
    "lap",
    "bao cao",
    "trinh",
    "xep hang",
    "cap nhat",
    "ra soat",
    "huong dan",
    "don doc",
    "theo doi",
    "la co quan",
    "dieu tra",
    "khao sat",
    "danh gia",
)
_VERB: Final = re.compile(r"\b(?:" + "|".join(v.replace(" ", r"\s+") for v in _VERBS) + r")\b")
_PREFIX: Final = re.compile(r"^(?:giao(?:\s+cho)?|de nghi|yeu cau|trach nhiem cua)\s+")
# matched at a position (``pattern.match(text, pos)``), so no "^"
_DUTY: Final = re.compile(r"(?:co|chiu)\s+trach\s+nhiem\s*:?\s*|la co quan[^,:;]*[,:]?\s*")
_LEAD_VERB: Final = re.compile(r"chu\s+tri\s*,?\s*(?:va\s+)?")
_WITH: Final = re.compile(r"phoi\s+hop(?:\s+voi)?\s+")
_MAX_SUBJECT_WORDS: Final = 22

# Work only the organisers do (folded): forms, the survey itself, appraisal, ranking, publication,
# approval. Matched on the action, so "các xã nộp phiếu" (the communes act) is not among them.
ORGANISER_WORK: Final = re.compile(
    r"\bin (?:an )?phieu|\bphat (?:hanh )?phieu|\bthu (?:hoi |nhan )?phieu|\bnhap phieu"
    r"|tong hop(?: ket qua)?(?: phieu)? (?:dieu tra|khao sat|phieu)"
    r"|^(?:to chuc |trien khai |thuc hien )?(?:cong tac )?(?:dieu tra|khao sat)"
    r"|tham dinh|phuc tra|hop hoi dong|thanh lap hoi dong|xep hang|cong bo"
    r"|trinh\b.{0,120}\bphe duyet|phe duyet ket qua"
)


@dataclass(frozen=True)
class Actor:
    """What ``split_actor`` read: ``lead`` None when the clause names nobody."""

    lead: str | None
    coordinate: str | None
    action: str


def is_agency(text: str, max_words: int = _MAX_SUBJECT_WORDS) -> bool:
    """Whether ``text`` reads as the name of an agency or a group of units (a section
    heading may list many: ``max_words``)."""
    folded = _PREFIX.sub("", fold_chars(text).strip(" -–*:.;,"))
    return bool(_AGENCY.match(folded)) and len(folded.split()) <= max_words


def _capital(text: str) -> str:
    text = text.strip(" ,;:-–.")
    return text[:1].upper() + text[1:]


_NAMED_BY_VERB: Final = re.compile(r"(?:\bhoi dong|\bto|\bban) $")


def _next_verb(folded: str, start: int) -> re.Match[str] | None:
    """The next action verb; "thẩm định" in "Hội đồng thẩm định" is part of a name."""
    m = _VERB.search(folded, start)
    while m is not None and _NAMED_BY_VERB.search(folded[max(0, m.start() - 9) : m.start()]):
        m = _VERB.search(folded, m.end())
    return m


def has_action(text: str) -> bool:
    """Whether an agency phrase goes on to say what it does (a verb after its name, before
    any colon that introduces a list of names)."""
    folded = _PREFIX.sub("", fold_chars(text))
    head = folded.split(":", 1)[0]
    return _next_verb(head, 1) is not None


def split_actor(clause: str) -> Actor:
    """(lead, coordinating, action) of a clause; lead None when it does not start with one.

    Folding keeps every index, so the parts are cut from the original wording.
    """
    folded = fold_chars(clause)
    lead_start = 0
    prefix = _PREFIX.match(folded)
    if prefix:
        lead_start = prefix.end()
    colon = clause.find(":", lead_start)
    if 0 < colon < 160 and is_agency(clause[lead_start:colon]):
        subject_end, rest = colon, colon + 1
    else:
        if not _AGENCY.match(folded[lead_start:]):
            return Actor(None, None, clause.strip())
        verb = _next_verb(folded, lead_start + 1)
        if verb is None:
            return Actor(None, None, clause.strip())
        subject_end = rest = verb.start()
    lead = clause[lead_start:subject_end].strip(" ,;:-–")
    if not lead or len(lead.split()) > _MAX_SUBJECT_WORDS:
        return Actor(None, None, clause.strip())
    return _after_subject(clause, folded, lead, rest)


def _after_subject(clause: str, folded: str, lead: str, at: int) -> Actor:
    """The coordinating agencies and the action after a subject ending at ``at``."""
    at += len(folded[at:]) - len(folded[at:].lstrip(" ,:"))
    for pattern in (_DUTY, _LEAD_VERB):
        m = pattern.match(folded, at)
        if m:
            at = m.end()
    coordinate = None
    m = _WITH.match(folded, at)
    if m:
        verb = _next_verb(folded, m.end() + 1)
        while verb is not None and folded[verb.start() : verb.end()].startswith("phoi"):
            verb = _next_verb(folded, verb.end())
        end = verb.start() if verb else len(clause)
        coordinate = clause[m.end() : end].strip(" ,;:-–") or None
        at = end
    action = _capital(clause[at:])
    return Actor(_capital(lead), coordinate, action or _capital(clause))


def organiser_work(text: str) -> bool:
    """Whether ``text`` describes work only the organisers do (see the module doc)."""
    return bool(ORGANISER_WORK.search(fold_chars(text).strip(" -–*")))


def decide_audience(kind: Kind, lead: str | None, action: str, context: str = "") -> Audience:
    """Who must act: the lead's units when a lead is named; else the organisers for their own
    work (and for appraisal and publication, which units never perform); else the units the
    wording names."""
    if lead:
        return classify_audience(lead, context)
    if kind in ("appraisal", "publication") or organiser_work(action):
        return "admins"
    return classify_audience(None, context or action)

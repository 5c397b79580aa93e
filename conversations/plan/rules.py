"""Questions that are not about time: "có phải ký số không?", "kinh phí lấy từ nguồn nào?".

A deadline card is the wrong answer to a yes/no rule question, however confident the matcher
is. These questions are told apart by their form (a yes/no or where/which/how question with no
"when" in it) and answered only by quoting the plan: the sentence that speaks of the asked
subject (signatures, funding, venue, file format …), with its section number. When no sentence
does, the plan does not say, and the reply says exactly that.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Final

from conversations.plan.lexicon import ABBREVIATIONS, STOPWORDS
from conversations.plan.sections import Section
from conversations.plan.text import tokens
from scoring.values import fold_chars

# "when?" in any form: a question with one of these is about time.
TIME_CUE: Final[re.Pattern[str]] = re.compile(
    r"\b(?:khi nao|bao gio|luc nao|hom nao|ngay nao|thang nao|tuan nao|may gio|bao lau|may ngay"
    r"|thoi han|han chot|het han|han cuoi|han nop|han gui|deadline|due|when|what date"
    r"|how long|how many days|by when|until when|truoc ngay|thoi gian|thang may|ngay may"
    r"|bao nhieu ngay|con bao nhieu|han(?! che))\b"
)
# Yes/no, where, which, how: a question about a rule, not a date.
RULE_CUE: Final[re.Pattern[str]] = re.compile(
    r"\b(?:co phai|co can|co bat buoc|bat buoc|phai khong|duoc khong|co duoc|nguon nao"
    r"|tu dau|o dau|tai dau|the nao|ra sao|bao nhieu|gom nhung|la gi|do we|do i|must|should"
    r"|is it|are they|does it|need to|required|where|which|how|who|ai chu tri|ai phu trach)\b"
    r"|\bco\b.*\bkhong\b"
)

# A date in the question ("trước 30/11 phải không?") makes it a question about time.
_DATE: Final[re.Pattern[str]] = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
# "Who leads …?": the milestone's card names its lead and coordinating agencies.
WHO_CUE: Final[re.Pattern[str]] = re.compile(
    r"\b(?:ai chu tri|ai phu trach|ai lam|co quan nao chu tri|don vi nao chu tri|who)\b"
)


def asks_who(text: str) -> bool:
    """Whether the question asks who leads a step ("Ai chủ trì thẩm định?")."""
    return bool(WHO_CUE.search(_expanded(text)))


# Subjects of rule questions → the words a plan sentence must contain to speak of them.
RULE_TOPICS: Final[dict[str, tuple[str, ...]]] = {
    "signature": ("ky so", "chu ky", "ky ten", "dong dau", "ky dien tu"),
    "funding": ("kinh phi", "ngan sach", "chi phi", "du toan", "quyet toan"),
    "venue": ("dia diem", "hoi truong", "phong hop"),
    "format": ("pdf", "dinh dang", "ban scan", "ban cung", "folder", "thu muc"),
    "channel": ("phan mem", "email", "thu dien tu", "he thong thong tin"),
    "respondents": ("doi tuong", "so phieu", "tong so phieu"),
}
# What the question says → the subject it asks about.
_TOPIC_CUES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), topic)
    for pattern, topic in (
        (r"\b(?:ky so|chu ky|ky ten|dong dau|ky dien tu|sign\w*)\b", "signature"),
        (r"\b(?:kinh phi|ngan sach|chi phi|nguon nao|fund\w*|budget|cost\w*)\b", "funding"),
        (r"\b(?:dia diem|o dau|tai dau|hoi truong|phong hop|where|venue)\b", "venue"),
        (r"\b(?:pdf|dinh dang|ban giay|ban scan|ban cung|format|paper)\b", "format"),
        (r"\b(?:phan mem|email|thu dien tu|qua dau|software|online)\b", "channel"),
        (r"\b(?:doi tuong|bao nhieu phieu|so phieu|ai tra loi|respondents?)\b", "respondents"),
    )
)


def _expanded(text: str) -> str:
    words = tokens(fold_chars(text).replace("-", " "))
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def question_form(text: str) -> str | None:
    """ "time" (asks when), "rule" (asks yes/no, where, which, how) or None (neither shows)."""
    expanded = _expanded(text)
    if TIME_CUE.search(expanded) or _DATE.search(text):
        return "time"
    if RULE_CUE.search(expanded) or rule_topics(text):
        return "rule"
    return None


def rule_topics(text: str) -> list[str]:
    """The rule subjects a question names (signature, funding, venue …), in lexicon order."""
    expanded = _expanded(text)
    return [topic for pattern, topic in _TOPIC_CUES if pattern.search(expanded)]


@dataclass(frozen=True)
class Quote:
    """A sentence of the plan and where it stands (``number``: "III", "IV.1" …)."""

    number: str
    heading: str
    sentence: str


def _content(folded: str) -> set[str]:
    return {w for w in tokens(folded) if w not in STOPWORDS and not w.isdigit() and len(w) > 1}


def _shares_pair(text: str, body: str) -> bool:
    """Whether two adjacent topic words of the question stand together in ``body`` too, so
    "chủ trì … thẩm định" is not matched by a sentence with "chủ trì" and "tham mưu"."""
    words = [w for w in tokens(_expanded(text)) if w not in STOPWORDS and not w.isdigit()]
    return any(f" {a} {b} " in f" {body} " for a, b in itertools.pairwise(words))


def _candidates(sections: tuple[Section, ...]) -> list[Quote]:
    out: list[Quote] = []
    for s in sections:
        if not s.sentences and s.heading:
            out.append(Quote(s.number, "", s.heading))
        out.extend(Quote(s.number, s.heading, x) for x in s.sentences)
    return out


def _speaks_of(folded: str, topics: list[str]) -> bool:
    return any(re.search(rf"\b{p}\b", folded) for t in topics for p in RULE_TOPICS[t])


def find_rule(text: str, sections: tuple[Section, ...]) -> Quote | None:
    """The plan's sentence answering a rule question, or None when the plan does not say.

    With a named subject the sentence (or its section's heading) must speak of it, so a plan
    without a word on signatures never "answers" a signature question; the question's other
    words, weighted by how rare they are in the plan, choose among such sentences. Without a
    named subject, a sentence must share most of the question's words.
    """
    topics = rule_topics(text)
    words = _content(_expanded(text))
    quotes = _candidates(sections)
    bodies = [" ".join(tokens(fold_chars(q.sentence))) for q in quotes]
    contents = [_content(b) for b in bodies]
    df: dict[str, int] = {}
    for c in contents:
        for w in c & words:
            df[w] = df.get(w, 0) + 1
    best: tuple[float, Quote] | None = None
    for q, body, content in zip(quotes, bodies, contents, strict=True):
        shared = words & content
        if topics:
            if not _speaks_of(f"{body} {' '.join(tokens(fold_chars(q.heading)))}", topics):
                continue
        elif len(shared) < max(2, round(len(words) * 0.67)) or not _shares_pair(text, body):
            continue
        score = sum(math.log(1 + len(quotes) / df[w]) for w in shared)
        score += 3.0 if topics and _speaks_of(body, topics) else 0.0
        if best is None or score > best[0]:
            best = (score, q)
    return best[1] if best else None

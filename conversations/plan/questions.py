"""Officers' free-text deadline questions → the milestone they ask about.

No model and no network: officers write short, abbreviated, often diacritic-less Vietnamese
("han nop tlkc bh?"), sometimes English, so the matcher works on folded words:

1. fold (lowercase, no diacritics, đ → d), split into words;
2. mend typos against the words the plan and the lexicon know: a word glued from known
   syllables is split ("thamdinh"), else an unknown word that cannot be a Vietnamese
   syllable is snapped to the nearest known one within a small edit distance ("thaam" →
   "tham", "apprasial" → "appraisal"); real syllables ("thiếu") are never "corrected";
3. expand abbreviations (TLKC, CCHC, XHH, ĐTXHH, TĐ, BC, KH …) and translate English;
4. drop the "when / deadline" words and fillers, keeping the topic words;
5. score every milestone: each query word and word pair found in the milestone's title or
   in its kind's vocabulary counts, weighted by how rare it is among the plan's milestones
   (a word every milestone has tells nothing), pairs more than single words, kind vocabulary
   more than title words, bracketed asides less, title and kind vocabulary adding up.

Near-ties are broken by time, since "when is the survey?" means the next one: the first
milestone not yet past, else the latest. Without any telling word the answer is None and
the caller lists the milestones instead.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from conversations.plan.lexicon import (
    ABBREVIATIONS,
    COMMON,
    ENGLISH,
    ENGLISH_QUESTION,
    ENGLISH_WORDS,
    GENERIC_PHRASES,
    KIND_PHRASES,
    NEUTRAL,
    NEXT_WORDS,
    OFF_PLAN,
    QUESTION_PHRASES,
    STOPWORDS,
)
from conversations.plan.model import Milestone, Plan
from conversations.plan.rules import RULE_CUE, question_form, rule_topics
from conversations.plan.text import is_vietnamese_syllable, tokens
from scoring.values import fold_chars

# A word of the milestone's kind vocabulary says more than one that happens to be in its
# title ("kết quả" in "Thẩm định kết quả …" is not what makes it the appraisal); words in
# brackets are asides ("(… qua Phòng Nội vụ)").
_TITLE_WEIGHT = 1.0
_ASIDE_WEIGHT = 0.5
_KIND_WEIGHT = 1.5
_PAIR_BONUS = 1.5
_TIE = 0.9
_OTHER_AUDIENCE = 0.9


@dataclass(frozen=True)
class QuestionAnswer:
    """The milestone asked about (None: a deadline question nobody's milestone matches).

    ``confidence`` is 0–1: how much of the question was understood times how clearly the
    winner beat the runner-up. ``alternatives`` are the other plausible milestones, best first.
    """

    milestone: Milestone | None
    confidence: float
    alternatives: list[Milestone] = field(default_factory=list)
    missing: tuple[str, ...] = ()  # the question's topic words no milestone speaks of


def days_left(m: Milestone, today: date) -> int:
    """Days from ``today`` to the milestone's last day; negative once it has passed."""
    return (m.due - today).days


# -- text to words ------------------------------------------------------------------------------


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one edit ("hco" → "hoc"), capped.

    Returns ``limit + 1`` as soon as the distance must exceed ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i]
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _segment(word: str, vocab: frozenset[str]) -> list[str] | None:
    """Split a glued word into known syllables ("tudanhgia" → tu danh gia), if possible."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for begin in range(max(0, end - 8), end - 1):
            head = best[begin]
            piece = word[begin:end]
            if head is not None and piece in vocab:
                candidate = [*head, piece]
                if best[end] is None or len(candidate) < len(best[end] or []):
                    best[end] = candidate
    return best[-1]


def _correct(word: str, vocab: frozenset[str], preferred: frozenset[str]) -> list[str]:
    """The known word(s) ``word`` most likely stands for; itself if nothing is close."""
    if word in vocab or word.isdigit() or len(word) < 3:
        return [word]
    if is_vietnamese_syllable(word):
        return [word]
    if len(word) >= 5:
        pieces = _segment(word, vocab)
        if pieces and len(pieces) > 1:
            return pieces
    limit = 1 if len(word) <= 5 else 2
    found: tuple[int, int, str] | None = None
    for known in vocab:
        if len(known) < 3:
            continue
        distance = _distance(word, known, limit)
        if distance > limit:
            continue
        key = (distance, 0 if known in preferred else 1, known)
        if found is None or key < found:
            found = key
    return [found[2]] if found else [word]


@dataclass(frozen=True)
class _Query:
    words: tuple[str, ...]
    wants_next: bool


_BASE_VOCAB = frozenset(
    {w for phrases in KIND_PHRASES.values() for p in phrases for w in p.split()}
    | set(ABBREVIATIONS)
    | {w for _, words in ENGLISH for w in words.split()}
    | ENGLISH_WORDS
    | STOPWORDS
    | COMMON
    | {w for w in QUESTION_PHRASES.pattern.replace("\\b", " ").replace("|", " ").split()}
)
_PREFERRED = frozenset(
    {w for phrases in KIND_PHRASES.values() for p in phrases for w in p.split()} | ENGLISH_WORDS
)


def _understand(text: str, vocab: frozenset[str]) -> _Query:
    """Topic words of a question: typos mended, abbreviations and English turned into VI."""
    words: list[str] = []
    for word in tokens(fold_chars(text).replace("-", " ")):
        words.extend(_correct(word, vocab, _PREFERRED))
    expanded = " ".join(ABBREVIATIONS.get(w, w) for w in words)
    for pattern, vietnamese in ENGLISH:
        expanded = pattern.sub(f" {vietnamese} ", expanded)
    wants_next = bool(NEXT_WORDS.search(expanded))
    expanded = NEXT_WORDS.sub(" ", expanded)
    expanded = QUESTION_PHRASES.sub(" ", expanded)
    expanded = GENERIC_PHRASES.sub(" ", expanded)
    topic = tuple(w for w in tokens(expanded) if w not in STOPWORDS and not w.isdigit())
    return _Query(topic, wants_next)


def _features(words: tuple[str, ...] | list[str]) -> set[str]:
    """Single words and adjacent pairs ("tham dinh") of a word sequence."""
    out = set(words)
    out.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return out


def _content_words(text: str) -> list[str]:
    """Topic words of the plan's own text, its abbreviations ("CCHC") written out as the
    questions' are, so "chỉ số CCHC" in a title matches "chỉ số cải cách hành chính"."""
    expanded = " ".join(ABBREVIATIONS.get(w, w) for w in tokens(fold_chars(text)))
    folded = GENERIC_PHRASES.sub(" ", expanded)
    return [w for w in tokens(folded) if w not in STOPWORDS and not w.isdigit()]


@dataclass(frozen=True)
class _Index:
    """Per plan: each milestone's weighted features, their rarity, the known words."""

    weights: tuple[dict[str, float], ...]
    idf: dict[str, float]
    vocab: frozenset[str]
    spoken: frozenset[str]  # every word any milestone's title, source or actors say
    said: str  # all of it, folded, to look phrases up


@lru_cache(maxsize=32)
def _index(plan: Plan) -> _Index:
    weights: list[dict[str, float]] = []
    vocab = set(_BASE_VOCAB)
    spoken: set[str] = set(NEUTRAL)
    said_all: list[str] = []
    for m in plan.milestones:
        said = " ".join(x or "" for x in (m.title, m.source, m.lead, m.coordinate))
        spoken.update(_content_words(said))
        said_all.append(" ".join(tokens(fold_chars(said))))
        spoken.update(w for p in KIND_PHRASES.get(m.kind, ()) for w in p.split())
        main = _content_words(re.sub(r"\([^)]*\)", " ", m.title))
        aside = _content_words(" ".join(re.findall(r"\(([^)]*)\)", m.title)))
        vocab.update(main, aside)
        w: dict[str, float] = dict.fromkeys(_features(aside), _ASIDE_WEIGHT)
        w.update(dict.fromkeys(_features(main), _TITLE_WEIGHT))
        kind_features: set[str] = set()
        for phrase in KIND_PHRASES.get(m.kind, ()):
            kind_features |= _features(phrase.split())
        for f in kind_features:
            w[f] = w.get(f, 0.0) + _KIND_WEIGHT
        weights.append(w)
    n = len(plan.milestones)
    df: dict[str, int] = {}
    for w in weights:
        for f in w:
            df[f] = df.get(f, 0) + 1
    idf = {f: math.log(1 + n / d) for f, d in df.items()}
    return _Index(tuple(weights), idf, frozenset(vocab), frozenset(spoken), " | ".join(said_all))


# -- answering ----------------------------------------------------------------------------------


def _pick_by_time(candidates: list[Milestone], today: date) -> Milestone:
    """The next milestone not yet past; if all are past, the latest."""
    upcoming = [m for m in candidates if m.due >= today]
    if upcoming:
        return min(upcoming, key=lambda m: m.due)
    return max(candidates, key=lambda m: m.due)


def _audience_factor(m: Milestone, audience: str | None) -> float:
    if audience is None or audience == "admins" or m.audience in ("all", audience):
        return 1.0
    return _OTHER_AUDIENCE


def _missing(question: str, query: _Query, index: _Index) -> tuple[str, ...]:
    """The question's topic words no milestone speaks of: any unknown word of a Vietnamese
    question, and the off-plan topics ("khen thưởng", "quý IV", "award") of any question.
    Leftovers of an English question are only filler ("reach", "learn")."""
    folded = " ".join(tokens(fold_chars(question)))
    out: list[str] = []
    if not ENGLISH_QUESTION.search(folded):
        out += [w for w in query.words if w not in index.spoken]
    for found in OFF_PLAN.finditer(folded):
        phrase = found.group()
        if not re.search(rf"\b{phrase}\b", index.said):
            out += [w for w in phrase.split() if not w.isdigit()] or [phrase]
    return tuple(dict.fromkeys(out))


def answer_question(
    question: str, plan: Plan, today: date, audience: str | None
) -> QuestionAnswer | None:
    """The milestone ``question`` asks about, or None when no milestone is recognisable.

    ``audience`` ("department", "commune", "admins" or None) only breaks near-ties in favour
    of the asker's own milestones: a commune officer asking when results are published still
    gets the publication even though Nội vụ is the one doing it.
    """
    if not plan.milestones:
        return None
    index = _index(plan)
    query = _understand(question, index.vocab)
    query_features = _features(query.words)
    n = len(plan.milestones)
    scored: list[tuple[float, Milestone]] = []
    telling = False
    matched_words: set[str] = set()
    for m, weights in zip(plan.milestones, index.weights, strict=True):
        score = 0.0
        for f in query_features & weights.keys():
            bonus = _PAIR_BONUS if " " in f else 1.0
            score += weights[f] * index.idf[f] * bonus
            matched_words.update(f.split())
            if index.idf[f] > math.log(2) + 1e-9 or n == 1:
                telling = True
        scored.append((score * _audience_factor(m, audience), m))
    missing = _missing(question, query, index)
    scored.sort(key=lambda sm: -sm[0])
    if missing and (
        matched_words or question_form(question) == "time"
    ):  # the question names something no milestone speaks of
        near = [m for s, m in scored if s > 0][:3]
        return QuestionAnswer(None, 0.0, near, missing)
    if not telling:
        if query.wants_next:
            visible = [m for _, m in scored if _audience_factor(m, audience) == 1.0]
            upcoming = [m for m in visible or plan.milestones if m.due >= today]
            if upcoming:
                return QuestionAnswer(min(upcoming, key=lambda m: m.due), 0.6, [])
        return None
    top = scored[0][0]
    close = [m for s, m in scored if s >= top * _TIE]
    best = _pick_by_time(close, today) if len(close) > 1 else scored[0][1]
    runner_up = max((s for s, m in scored if m is not best), default=0.0)
    best_score = next(s for s, m in scored if m is best)
    coverage = len(matched_words & set(query.words)) / max(1, len(set(query.words)))
    margin = max(0.0, 1 - runner_up / best_score) if best_score else 0.0
    confidence = round(min(1.0, coverage) * (0.5 + 0.5 * margin), 3)
    alternatives = [m for s, m in scored if m is not best and s >= top * 0.5][:3]
    return QuestionAnswer(best, confidence, alternatives)


# -- is it a deadline question at all? ---------------------------------------------------------

_CUE = re.compile(
    r"\b(?:khi nao|bao gio|luc nao|hom nao|ngay nao|thang nao|may gio|bao lau|may ngay"
    r"|thoi han|han chot|het han|han cuoi|han nop|han gui|deadline|due|when|what date"
    r"|how long|how many days|by when|until when|han(?! che))\b"
)
_STRONG_CUE = re.compile(
    r"\b(?:thoi han|han chot|het han|han cuoi|deadline|con may ngay|con bao lau|how long"
    r"|how many days)\b"
)
_TOPIC = re.compile(
    r"\b(?:tu danh gia|tu cham|cham diem|tai lieu kiem chung|kiem chung|nop|gui|bao cao|ho so"
    r"|dieu tra|khao sat|xa hoi hoc|phieu|tham dinh|hoi dong|cham lai|cong bo|ket qua"
    r"|xep hang|ke hoach|cai cach hanh chinh|chi so|giai trinh|moc|tiep theo|sap toi"
    r"|sipas|phe duyet|tong hop|huong dan)\b"
)


def is_question(text: str) -> bool:
    """Whether free text asks about the plan: a deadline, or a rule the plan may state
    ("có phải ký số không?", "kinh phí lấy từ nguồn nào?"), vs a greeting or a score."""
    words: list[str] = []
    for word in tokens(fold_chars(text).replace("-", " ")):
        words.extend(_correct(word, _BASE_VOCAB, _PREFERRED))
    expanded = " ".join(ABBREVIATIONS.get(w, w) for w in words)
    for pattern, vietnamese in ENGLISH:
        expanded = pattern.sub(f" {vietnamese} ", expanded)
    expanded = " ".join(expanded.split())
    if _STRONG_CUE.search(expanded):
        return True
    has_topic = bool(_TOPIC.search(expanded))
    if has_topic and (bool(_CUE.search(expanded)) or "?" in text):
        return True
    return bool(rule_topics(text)) and ("?" in text or bool(RULE_CUE.search(expanded)))

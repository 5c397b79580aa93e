"""Words officers use about the PAR timeline, all in folded form (no diacritics, lowercase).

Kept apart from the matcher so the vocabulary can grow without touching the scoring. Each
kind has the phrases people use for it; abbreviations expand to their words; English is
translated into the same Vietnamese words so one matcher serves both languages.
"""

from __future__ import annotations

import re
from typing import Final


def _words(text: str) -> frozenset[str]:
    """A word set written as one space-separated string, to keep the lists readable."""
    return frozenset(text.split())


KIND_PHRASES: Final[dict[str, tuple[str, ...]]] = {
    "self_assessment": (
        "tu danh gia",
        "tu cham diem",
        "tu cham",
        "cham diem",
        "bieu tu cham diem",
        "bao cao tu danh gia",
        "tai lieu kiem chung",
        "kiem chung",
        "nop bao cao",
        "gui bao cao",
        "nop ho so",
        "gui ho so",
        "nop tai lieu",
        "giai trinh",
        "ky so",
    ),
    "survey": (
        "dieu tra xa hoi hoc",
        "dieu tra",
        "xa hoi hoc",
        "khao sat",
        "phieu dieu tra",
        "phieu khao sat",
        "phieu",
        "su hai long",
        "hai long",
        "sipas",
        "lay y kien",
        "do luong",
    ),
    "appraisal": (
        "tham dinh",
        "hoi dong tham dinh",
        "hop hoi dong",
        "hoi dong",
        "cham lai",
        "phuc tra",
        "xet duyet diem",
    ),
    "publication": (
        "cong bo",
        "cong bo ket qua",
        "ket qua",
        "xep hang",
        "bang xep hang",
        "thu hang",
        "cong khai",
        "xep loai",
        "chinh thuc",
        "hoi nghi cong bo",
    ),
    "other": (),
}

ABBREVIATIONS: Final[dict[str, str]] = {
    "tlkc": "tai lieu kiem chung",
    "cchc": "cai cach hanh chinh",
    "xhh": "xa hoi hoc",
    "dtxhh": "dieu tra xa hoi hoc",
    "dt": "dieu tra",
    "td": "tham dinh",
    "hdtd": "hoi dong tham dinh",
    "hd": "hoi dong",
    "tdg": "tu danh gia",
    "tcd": "tu cham diem",
    "bc": "bao cao",
    "kh": "ke hoach",
    "kq": "ket qua",
    "cb": "cong bo",
    "dg": "danh gia",
    "hs": "ho so",
    "nv": "noi vu",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "bh": "bao gio",
    "h": "gio",
    "bgio": "bao gio",
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "dl": "deadline",
    "j": "gi",
}

# English → the Vietnamese words of the same meaning (applied to folded text).
ENGLISH: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"\bself\s*(?:-\s*)?assess\w*", "tu danh gia"),
        (r"\bself\s*(?:-\s*)?scor\w*", "tu cham diem"),
        (r"\bscor(?:e|ing)\s*sheets?\b", "bieu tu cham diem"),
        (r"\bevidences?\b", "tai lieu kiem chung"),
        (r"\bsubmi\w*|\bupload\w*|\bhand(?:ing)?\s+in\b|\bsend\b", "nop"),
        (r"\breports?\b", "bao cao"),
        (r"\bexplanations?\b", "giai trinh"),
        (r"\bsociological\b", "xa hoi hoc"),
        (r"\bsurveys?\b|\bquestionnaires?\b|\bpolls?\b", "khao sat dieu tra"),
        (r"\bsatisfaction\b", "hai long"),
        (r"\bapprais\w*|\breview\w*|\bverif\w*", "tham dinh"),
        (r"\bcouncils?\b|\bcommittee\b", "hoi dong"),
        (r"\bpublish\w*|\bpublication\w*|\bannounce\w*|\breleas\w*", "cong bo"),
        (r"\bresults?\b|\boutcomes?\b", "ket qua"),
        (r"\brank\w*|\bleague\s+table\b", "xep hang"),
        (r"\bapprov\w*", "phe duyet"),
        (r"\bcheck\w*", "tham dinh"),
        (r"\bissu\w*", "ban hanh"),
        (r"\bguid\w*|\binstructions?\b", "huong dan"),
        (r"\bplan\b", "ke hoach"),
        (r"\bcompil\w*|\bsummar\w*|\bconsolidat\w*", "tong hop"),
        (r"\bdocuments?\b|\bfiles?\b|\bpapers?\b", "ho so"),
        (r"\bindex\b", "chi so"),
        (r"\bnext\b|\bupcoming\b|\bcoming\s+up\b", "tiep theo"),
    )
)

# English words the spelling corrector may snap a typo to before translation.
ENGLISH_WORDS: Final[frozenset[str]] = _words(
    "self assessment assess scoring score sheet evidence submit submission upload report "
    "reports explanation sociological survey surveys questionnaire poll satisfaction "
    "appraisal appraise review verification council committee publish publication "
    "published announce announcement release results result outcome ranking rankings "
    "approval approve guidance instructions issue issued plan compile summary documents "
    "files index next upcoming deadline when date due until long many days left what "
    "which"
)

# Phrases that only say "when?" / "deadline": removed before matching topics.
QUESTION_PHRASES: Final[re.Pattern[str]] = re.compile(
    r"\b(?:khi nao|bao gio|luc nao|hom nao|ngay nao|thang nao|tuan nao|bao lau|may ngay|may gio"
    r"|thoi han|thoi gian|han chot|het han|han cuoi|cuoi cung|la bao nhieu|con bao nhieu"
    r"|what date|by when|until when|how long|how many days|due date|when is|when are|when do"
    r"|when does|when will|when)\b"
)

# Words that carry no topic.
STOPWORDS: Final[frozenset[str]] = _words(
    "a ah ak oi oii nhe nhi nha vay ha ne di a la cua cho em anh chi minh toi chung ta co "
    "khong chua roi xong da dang se duoc bi phai can muon biet hoi xin vui long giup gi "
    "sao the nao thi ma nen vi de va voi hay hoac cac nhung mot nay do kia han ngay thang "
    "nam tuan gio nua con may luc khi den lam viec nao the is are was be a an of for to "
    "do does did we i our my me you your us need needs by date due deadline please tell "
    "what which when until left days day how many much time at on in it its this that "
    "have has will should must can could get ok okay dc duoc thanks thank"
)

# Common syllables known to be words, so the corrector leaves them alone.
COMMON: Final[frozenset[str]] = _words(
    "tinh huyen xa phuong thanh pho quan thi tran nay sau truoc sap tiep theo dau cuoi "
    "moi cu lan dot buoi hop xem gui nop nhan tra loi so diem tieu chi linh vuc don vi co "
    "quan phong ban nganh uy nhan dan noi vu thu truong lanh dao can bo cong chuc vien "
    "chuc chao cam on vang dung sai gi sao het hom mai qua tuan sang chieu toi le ke "
    "hoach bao cao chi so cai cach hanh chinh ket qua danh gia tham dinh dieu tra khao "
    "sat cong bo hoi dong tai lieu kiem chung ho so nhap sua xoa duyet phe chuyen mon "
    "nhiem vu thoi gian xac dinh ban hanh huong dan tong hop xay dung"
)

# Verbs every task has ("triển khai", "tổ chức") and the agencies named in tasks: they say
# who, not what, so they tell no milestone from another.
GENERIC_PHRASES: Final[re.Pattern[str]] = re.compile(
    r"\b(?:thuc hien|trien khai|to chuc|cong tac|xac dinh|(?:theo )?quy dinh|chu tri|phoi hop"
    r"|phu trach"
    r"|(?:phong |so )?noi vu|uy ban nhan dan(?: (?:huyen|tinh|xa|thanh pho|quan|thi xa))?"
    r"|co quan(?: chuyen mon)?|don vi|dia phuong|thi tran|chu tich)\b"
)

NEXT_WORDS: Final[re.Pattern[str]] = re.compile(r"\b(?:tiep theo|sap toi|gan nhat|sap het han)\b")

# Words that ask or describe doing, not what is done: a deadline question may add them to any
# milestone's topic ("… khi nào xong", "phát phiếu", "bắt đầu") without asking about
# something else.
NEUTRAL: Final[frozenset[str]] = _words(
    "xong lam bat dau ket thuc phat hoan thanh nop gui chot truoc sau cuoi hop co biet nay "
    "file pdf ban scan nhan tra loi dien phai can xem bao nhieu gio ngay vao ra len chinh "
    "thuc chi so cai cach hanh chinh tiep theo sap toi gan nhat nam thang muc do "
    "score scores scoring come out meeting meet held happen take place start begin finish "
    "end open close get give back our their ve tai tu den tren duoi phong ban quyet dinh "
    "van so em chung toi minh xa phuong huyen tinh thanh pho bieu het ai gom nhung nao"
)

# Things officers ask deadlines for that PAR-index plans rarely date: when the plan's
# milestones never speak of one, the question is about something outside the plan.
OFF_PLAN: Final[re.Pattern[str]] = re.compile(
    r"\b(?:khen thuong|thi dua|sang kien|tap huan|boi duong|kiem tra|thanh tra|iso|tuyen dung"
    r"|thi tuyen|nang luong|tien luong|ngan sach|du toan|quyet toan|co so du lieu|mot cua"
    r"|dich vu cong|quy [ivx1-4]+|\d+ thang|hang thang|hang quy|giao ban|nghi phep"
    r"|awards?|nominations?|audit|training|inspections?|quarter\w*|monthly|budget|salary"
    r"|recruit\w*|exams?|holidays?|database)\b"
)
# Words of an English question: its leftovers after translation are no topic.
ENGLISH_QUESTION: Final[re.Pattern[str]] = re.compile(
    r"\b(?:when|what|which|the|is|are|do|does|will|must|should|deadline|due|by|for)\b"
)

"""Officers' deadline questions against plans imported from the real seeds.

The phrasings are the kinds officers type in chat: with and without diacritics, with the
usual abbreviations (TLKC, CCHC, XHH, ĐTXHH, TĐ, BC, KH), typos, glued words and English.
The whole set must be ≥ 95 % right; the misses are printed so a regression is easy to read.
"""

from __future__ import annotations

from datetime import date

import pytest

from conversations.plan import (
    Milestone,
    Plan,
    answer_question,
    days_left,
    extract_plan,
    is_question,
)
from tests.shared_seeds import seed_text


def plan_of(prefix: str) -> Plan:
    return extract_plan(seed_text(prefix))


# Vân Canh 2021 (seed 000): m01 guidance / plan rollout (Oct), self_assessment (30/11),
# survey = satisfaction survey (Nov), survey_2 = sociological survey (31/12), appraisal (Dec),
# m06 compiling the report (Dec), m07 approval of results (31/12), publication (Jan 2022).
# Asked on 15/11/2021, so an unqualified "survey" means the next one: the satisfaction survey.
VAN_CANH_TODAY = date(2021, 11, 15)
VAN_CANH_QUESTIONS: list[tuple[str, str]] = [
    # self-assessment and evidence
    ("Hạn nộp tài liệu kiểm chứng là khi nào?", "self_assessment"),
    ("han nop tlkc bh?", "self_assessment"),
    ("Khi nào phải nộp báo cáo tự đánh giá?", "self_assessment"),
    ("hạn chót tự chấm điểm", "self_assessment"),
    ("Bao giờ hết hạn gửi TLKC ạ", "self_assessment"),
    ("self-assessment deadline", "self_assessment"),
    ("When do we submit the self-assessment?", "self_assessment"),
    ("when is the evidence due", "self_assessment"),
    ("tu danh gia han cuoi ngay nao", "self_assessment"),
    ("tự đánh giá hạn khi nào vậy", "self_assessment"),
    ("nộp BC tự đánh giá trước ngày mấy?", "self_assessment"),
    ("han nop bieu tu cham diem", "self_assessment"),
    ("Khi nào hết hạn nộp hồ sơ tự chấm điểm?", "self_assessment"),
    ("tai lieu kiem chung nop truoc ngay nao", "self_assessment"),
    ("tu cham diem xong truoc ngay nao a", "self_assessment"),
    ("hạn gửi báo cáo giải trình", "self_assessment"),
    ("tudanhgia han", "self_assessment"),
    ("han nop tai lieu kiem chug", "self_assessment"),
    ("tự đánh giá chấm điểm khi nào xong", "self_assessment"),
    ("em muốn hỏi hạn nộp TLKC cchc năm nay", "self_assessment"),
    ("Deadline for self scoring?", "self_assessment"),
    ("by when must we upload evidence?", "self_assessment"),
    ("deadline nộp tlkc", "self_assessment"),
    ("bao h nop bc tu cham", "self_assessment"),
    ("hạn tự chấm điểm CCHC là ngày nào vậy chị", "self_assessment"),
    ("tư đánh gia han chot", "self_assessment"),
    ("khi nao het han tu danh gia", "self_assessment"),
    ("nop ho so cham diem khi nao", "self_assessment"),
    ("hạn nôp tài liêu kiểm chứng", "self_assessment"),
    ("nop tlkc truoc ngay may", "self_assessment"),
    ("Cho em hỏi bao giờ hết hạn tự chấm điểm ạ?", "self_assessment"),
    ("self assesment due date", "self_assessment"),
    ("evidnce deadline", "self_assessment"),
    ("TỰ ĐÁNH GIÁ KHI NÀO NỘP", "self_assessment"),
    ("tdg han nop", "self_assessment"),
    # the satisfaction survey
    ("Khi nào khảo sát sự hài lòng?", "survey"),
    ("khao sat hai long nguoi dan bao gio", "survey"),
    ("hạn khảo sát mức độ hài lòng", "survey"),
    ("when is the satisfaction survey?", "survey"),
    ("khảo sát khi nào làm", "survey"),
    ("when is the survey?", "survey"),
    ("khaosat bao gio", "survey"),
    ("survay when", "survey"),
    ("khảo sát người dân tổ chức khi nào", "survey"),
    # the sociological survey
    ("khi nào điều tra xã hội học", "survey_2"),
    ("khi nao dieu tra xhh", "survey_2"),
    ("ĐTXHH hạn khi nào?", "survey_2"),
    ("điều tra XHH bao giờ xong", "survey_2"),
    ("when is the sociological survey?", "survey_2"),
    ("phiếu điều tra xã hội học khi nào phát", "survey_2"),
    ("dieu tra xa hoi hoc han chot", "survey_2"),
    ("dieu tra xa hoi hco khi nao", "survey_2"),
    ("hạn điều tra xã hội học là ngày nào", "survey_2"),
    ("dtxhh bh xong", "survey_2"),
    # appraisal
    ("khi nào thẩm định", "appraisal"),
    ("when is the appraisal?", "appraisal"),
    ("thamdinh khi nao", "appraisal"),
    ("thaam dinh bao gio", "appraisal"),
    ("Hội đồng thẩm định họp khi nào?", "appraisal"),
    ("TĐ kết quả tự đánh giá khi nào?", "appraisal"),
    ("bao giờ thẩm định điểm", "appraisal"),
    ("khi nao hoi dong cham lai", "appraisal"),
    ("appraisal deadline", "appraisal"),
    ("when does the council review our scores?", "appraisal"),
    ("thẩm định CCHC tháng mấy", "appraisal"),
    ("tham dinh ket qua khi nao", "appraisal"),
    ("thẩm đinh khi nào bắt đầu", "appraisal"),
    ("apprasial date", "appraisal"),
    ("td khi nao", "appraisal"),
    # publication
    ("bao giờ công bố kết quả", "publication"),
    ("when will the results be published", "publication"),
    ("khi nào công bố chỉ số CCHC", "publication"),
    ("Khi nào có kết quả xếp hạng?", "publication"),
    ("cong bo ket qua bh", "publication"),
    ("khi nào biết kết quả", "publication"),
    ("when is the ranking announced?", "publication"),
    ("công bố chỉ số cải cách hành chính năm 2021 khi nào", "publication"),
    ("kq cchc khi nao cong bo", "publication"),
    ("xep hang khi nao co", "publication"),
    ("when do results come out", "publication"),
    ("cong bo kq thang may", "publication"),
    ("cong bo chi so khi nao vay", "publication"),
    ("hạn chót công bố", "publication"),
    ("publsh results when", "publication"),
    # the other steps
    ("khi nào ban hành văn bản hướng dẫn chấm điểm?", "m01"),
    ("when is the guidance issued?", "m01"),
    ("khi nào ban hành kế hoạch", "m01"),
    ("khi nào tổng hợp báo cáo kết quả", "m06"),
    ("Phòng Nội vụ tổng hợp báo cáo khi nào?", "m06"),
    ("when is the summary report compiled?", "m06"),
    ("Khi nào phê duyệt kết quả?", "m07"),
    ("Chủ tịch phê duyệt kết quả chỉ số khi nào", "m07"),
    ("when is approval of the results?", "m07"),
    ("phe duyet ket qua cchc bao gio", "m07"),
    # "what is next?" (for everyone, the self-assessment on 30/11)
    ("hạn tiếp theo là gì?", "self_assessment"),
    ("next deadline?", "self_assessment"),
]

# Uông Bí 2023 (seed 001): self_assessment (16/3/2024), m02 compiling figures (3/2024),
# appraisal council (3/2024), publication (4/2024). Asked on 1/3/2024.
UONG_BI_TODAY = date(2024, 3, 1)
UONG_BI_QUESTIONS: list[tuple[str, str]] = [
    ("Hạn nộp biểu tự chấm điểm và TLKC?", "self_assessment"),
    ("han nop tlkc", "self_assessment"),
    ("khi nào họp hội đồng thẩm định", "appraisal"),
    ("when is the appraisal council meeting?", "appraisal"),
    ("bao giờ công bố chỉ số CCHC", "publication"),
    ("khi nào có bảng xếp hạng", "publication"),
    ("tổng hợp số liệu khi nào", "m02"),
    ("xây dựng báo cáo chung khi nào", "m02"),
    ("tự đánh giá hạn chót", "self_assessment"),
    ("self-assessment deadline", "self_assessment"),
    ("when are results announced?", "publication"),
    ("thẩm định tháng mấy", "appraisal"),
    ("han gui ho so tu danh gia", "self_assessment"),
    ("ket qua xep hang khi nao co", "publication"),
    ("tham dinh khi nao", "appraisal"),
    ("hạn chót nộp file pdf ký số tài liệu kiểm chứng", "self_assessment"),
    ("khi nao cong bo", "publication"),
    ("deadline nộp TLKC", "self_assessment"),
    ("when is the evidence due?", "self_assessment"),
    ("bh hop hd td", "appraisal"),
    ("xử lý số liệu khi nào", "m02"),
    ("cong bo ket qua cchc 2023 khi nao", "publication"),
    ("tudanhgia bao gio", "self_assessment"),
    ("hạn gửi biểu tự chấm", "self_assessment"),
]


def _run(plan: Plan, today: date, cases: list[tuple[str, str]]) -> list[str]:
    misses = []
    for question, want in cases:
        qa = answer_question(question, plan, today, None)
        got = qa.milestone.id if qa and qa.milestone else None
        if got != want:
            alternatives = [m.id for m in qa.alternatives] if qa else []
            misses.append(f"{question!r}: want {want}, got {got} (alternatives {alternatives})")
    return misses


def test_question_set_accuracy() -> None:
    cases = len(VAN_CANH_QUESTIONS) + len(UONG_BI_QUESTIONS)
    assert cases >= 80
    misses = _run(plan_of("000"), VAN_CANH_TODAY, VAN_CANH_QUESTIONS)
    misses += _run(plan_of("001"), UONG_BI_TODAY, UONG_BI_QUESTIONS)
    accuracy = 1 - len(misses) / cases
    print(f"\nquestion set: {cases - len(misses)}/{cases} right ({accuracy:.1%})")
    for miss in misses:
        print("  MISS", miss)
    assert accuracy >= 0.95, misses


def test_confidence_and_alternatives() -> None:
    plan = plan_of("000")
    clear = answer_question("khi nào thẩm định", plan, VAN_CANH_TODAY, None)
    assert clear is not None and clear.milestone is not None
    assert clear.milestone.id == "appraisal" and clear.confidence >= 0.8
    vague = answer_question("when is the survey?", plan, VAN_CANH_TODAY, None)
    assert vague is not None and vague.milestone is not None
    assert vague.confidence < clear.confidence
    assert [m.id for m in vague.alternatives] == ["survey_2"]
    for qa in (clear, vague):
        assert 0.0 <= qa.confidence <= 1.0


def test_ties_follow_time() -> None:
    """An unqualified "survey" is the next survey; once both are past, the latest one."""
    plan = plan_of("000")
    later = answer_question("when is the survey?", plan, date(2021, 12, 5), None)
    assert later is not None and later.milestone is not None
    assert later.milestone.id == "survey_2"
    after_all = answer_question("when is the survey?", plan, date(2022, 6, 1), None)
    assert after_all is not None and after_all.milestone is not None
    assert after_all.milestone.id == "survey_2"


def test_audience_keeps_publication_for_communes() -> None:
    plan = plan_of("001")
    qa = answer_question("khi nào công bố", plan, UONG_BI_TODAY, "commune")
    assert qa is not None and qa.milestone is not None and qa.milestone.id == "publication"


@pytest.mark.parametrize(
    "question",
    ["xin chào", "thời tiết hôm nay thế nào", "khi nào?", "45/50", "abc xyz", "hạn là khi nào"],
)
def test_nothing_recognisable_is_none(question: str) -> None:
    assert answer_question(question, plan_of("000"), VAN_CANH_TODAY, None) is None


def test_empty_plan() -> None:
    assert answer_question("khi nào thẩm định", Plan(2023, ()), VAN_CANH_TODAY, None) is None


def test_days_left() -> None:
    m = Milestone(id="x", title="t", kind="other", due=date(2024, 3, 16), precision="day")
    assert days_left(m, date(2024, 3, 10)) == 6
    assert days_left(m, date(2024, 3, 16)) == 0
    assert days_left(m, date(2024, 3, 20)) == -4


@pytest.mark.parametrize(
    "text",
    [
        "Hạn nộp tài liệu kiểm chứng là khi nào?",
        "han nop tlkc bh",
        "khi nào thẩm định",
        "when is the appraisal?",
        "self-assessment deadline",
        "deadline?",
        "Hết hạn chưa?",
        "còn mấy ngày nữa",
        "bao giờ công bố kết quả",
        "điều tra XHH ngày nào",
        "thời hạn tự chấm điểm",
        "nộp báo cáo tự đánh giá?",
        "mấy giờ họp hội đồng thẩm định",
        "when do we submit evidence",
        "KH CCHC khi nào ban hành",
        "tham dinh bao h",
    ],
)
def test_is_question_positive(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "xin chào",
        "45/50",
        "có",
        "Không",
        "5",
        "0.75",
        "cảm ơn chị",
        "ok",
        "tiêu chí 1.1 được mấy điểm?",
        "em đã gửi rồi",
        "hello",
        "What's my score?",
        "Hạn chế của đơn vị là thiếu cán bộ",
        "1.1.2 có",
        "",
    ],
)
def test_is_question_negative(text: str) -> None:
    assert not is_question(text)


def test_milestone_type_is_the_model() -> None:
    qa = answer_question("khi nào thẩm định", plan_of("001"), UONG_BI_TODAY, "department")
    assert qa is not None and isinstance(qa.milestone, Milestone)

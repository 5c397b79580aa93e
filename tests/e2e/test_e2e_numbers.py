"""Issue 16, finding 5 through the emulator on both runtimes: /progress, /rank, /submit, the
charts and both Excel sheets show the same points, applicable max, unanswered count and index —
the ones the domain computes — and say how not-applicable answers count.

Seen before the fix, at one moment: /progress "tự chấm 32,5/70", field 1 "7,5/9", 19
unanswered; /rank field 1 "7,5/10", 17 unanswered; the ranking sheet "tối đa 10" with 9 points
as 100%; not-applicable answers as 0 in the sheet while the index used the applicable max."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from PIL import Image

from conversations import assessment as A
from conversations import charts
from conversations.survey_import import import_survey
from tests.results.helpers import sheet

NUM = r"\d+(?:[.,]\d+)*"
LEFT_OUT = {"1.5.1", "2.1", "2.2.2", "1.1.1.b", "3.5", "7.5"}
"""X01's field items not imported: the first three are answered "không áp dụng" in the chat."""
UNANSWERED = {"1.1.1.b", "3.5", "7.5", "B.1", "B.2", "P.1", "P.2"}
"""What X01's officer still has to answer: bonus and penalty items are asked too."""


def dec(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


async def seed(stack) -> None:
    """X01 answers most field items and has the survey points of field 1; X02 answers all."""
    x01 = [r for r in sheet("X01") if r.split(",")[1] not in LEFT_OUT]
    async with stack.db.uow() as uow:
        await A.import_answers(
            uow,
            "unit,item,value,explanation\n" + "\n".join([*x01, *sheet("X02", B_1="cap_tinh")]),
            2024,
            allow_missing_evidence=True,  # sample sheets without evidence files
        )
        await import_survey(uow, "unit,item,points\nX01,1.6,0.75\n", 2024)


async def truth(stack):
    """The domain's figures for X01, as /rank ranks it."""
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        pair = await A.unit_result(uow, unit)
        mine = next(r for r in await A.standings(uow, 2024) if r.unit.code == "X01")
    assert pair is not None
    assert mine.result == pair[1].summary()  # the ranking's stored summary is the same
    return pair[1]


def file_bytes(stack, media: dict) -> bytes:
    stored = stack.emu.core.files.get(media["file_id"])
    assert stored is not None
    return stored.content


def na_line(text: str) -> tuple[int, Decimal, Decimal, int]:
    """(excluded, applicable max, max without them, counted in full) from the not-applicable
    line every screen carries."""
    left = re.search(
        rf"(\d+) tiêu chí không áp dụng: không tính vào điểm tối đa \(({NUM}) thay vì ({NUM})\)",
        text,
    )
    full = re.search(r"(\d+) tiêu chí không áp dụng được tính đủ điểm", text)
    assert left and full, text
    return int(left[1]), dec(left[2]), dec(left[3]), int(full[1])


def progress_figures(text: str) -> dict[str, object]:
    fields = {
        m[1]: (dec(m[2]), dec(m[3]))
        for m in re.finditer(rf"^(?:✅|▫️) (\d+)\. .*: \d+/\d+ · ({NUM})/({NUM})$", text, re.M)
    }
    total = re.search(rf"Đã trả lời (\d+)/(\d+) · (?:tự chấm |điểm )?({NUM})/({NUM})", text)
    left = re.search(r"Chưa trả lời \((\d+)\)", text)
    index = re.search(rf"Chỉ số sơ bộ: ({NUM})", text)
    assert total and index, text
    return {
        "fields": fields,
        "answered": (int(total[1]), int(total[2])),
        "total": (dec(total[3]), dec(total[4])),
        "unanswered": int(left[1]) if left else 0,
        "index": dec(index[1]),
    }


def rank_figures(text: str) -> dict[str, object]:
    fields = {
        m[1]: (dec(m[2]), dec(m[3]), dec(m[4]))
        for m in re.finditer(rf"^(\d+)\. .*: ({NUM})/({NUM}) · ({NUM})%$", text, re.M)
    }
    left = re.search(r"Chưa trả lời: (\d+)", text)
    index = re.search(rf"Chỉ số: ({NUM})/100", text)
    assert left and index, text
    return {"fields": fields, "unanswered": int(left[1]), "index": dec(index[1])}


def unit_sheet_figures(book: bytes) -> dict[str, object]:
    ws = load_workbook(io.BytesIO(book)).active
    headers = [c.value for c in ws[5]]
    col = {h: i for i, h in enumerate(headers)}
    rows = {r[1].value: r for r in ws.iter_rows(min_row=6) if r[1].value}
    fields = {}
    for code in "12345678":
        note = rows[code][col["Ghi chú thẩm định"]].value or ""
        m = re.search(rf"Đạt ({NUM})/({NUM}) điểm được tính \(({NUM})%\)", note)
        assert m, note
        assert rows[code][col["Điểm đạt"]].value == float(dec(m[1]))
        fields[code] = (dec(m[1]), dec(m[2]), dec(m[3]))
    labels = {r[0].value: r[col["Điểm đạt"]].value for r in ws.iter_rows(min_row=6) if r[0].value}
    leaves = {
        code: (rows[code][col["Điểm tự chấm"]].value, rows[code][col["Điểm đạt"]].value)
        for code in ("1.5.1", "2.1", "2.2.2")
    }
    return {
        "fields": fields,
        "total": (
            Decimal(str(labels["Tổng điểm các lĩnh vực"])),
            Decimal(
                str(labels["Điểm tối đa được tính (trừ tiêu chí không áp dụng, chờ điều tra)"])
            ),
        ),
        "unanswered": labels["Số tiêu chí chưa trả lời"],
        "na": labels["Tiêu chí không áp dụng"],
        "index": Decimal(str(labels["CHỈ SỐ CCHC"])),
        "leaves": leaves,
    }


def ranking_sheet_figures(book: bytes, unit: str) -> dict[str, object]:
    ws = load_workbook(io.BytesIO(book)).active
    head = [c.value for c in ws[3]]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == unit)

    def at(name: str) -> object:
        return row[head.index(name)]

    fields = {}
    for code in "12345678":
        top = next(h for h in head if h and h.startswith(f"LV {code}: tối đa được tính"))
        pts, mx, pct = at(f"LV {code}: điểm"), at(top), at(f"LV {code}: tỷ lệ %")
        fields[code] = (Decimal(str(pts)), Decimal(str(mx)), Decimal(str(pct)))
    notes = " ".join(str(r[0]) for r in ws.iter_rows(min_row=4, values_only=True) if r[0])
    return {
        "fields": fields,
        "total": (Decimal(str(at("Tổng điểm"))), Decimal(str(at("Tối đa được tính")))),
        "unanswered": at("Chưa trả lời"),
        "na": at("Không áp dụng"),
        "index": Decimal(str(at("Chỉ số CCHC"))),
        "notes": notes,
    }


async def test_every_screen_both_sheets_and_the_charts_show_the_domains_numbers(stack):
    await seed(stack)
    lan = await stack.join(7401)
    await lan.send("/score 1.5.1", expect="1.5.1 ·")
    await lan.press("Không áp dụng", expect="Đã lưu 1.5.1")
    await lan.send("/score 2.1", expect="2.1 ·")
    await lan.press("3. Không ban hành văn bản QPPL trong năm", expect="Đã lưu 2.1")
    await lan.send("/score 2.2.2", expect="2.2.2 ·")
    await lan.press("Không áp dụng", expect="Đã lưu 2.2.2")  # na: full
    boss = await stack.join(7402, role="leader", name="Thủ trưởng")
    admin = await stack.join(7403, None, "admin", "Chị Hoa")

    res = await truth(stack)
    # the domain itself: the officer's three "không áp dụng" answers and what is left to answer
    assert {c for c, s in res.leaves.items() if s.source == "unanswered"} == UNANSWERED
    unanswered = len(UNANSWERED)
    f1 = res.field("1")  # 1.5.1 left out of the max, survey 1.6 in (0,75 of 1)
    assert f1 is not None and (f1.points, f1.applicable_max) == (Decimal("7.75"), Decimal("8.5"))
    want_fields = {f.code: (f.points, f.applicable_max) for f in res.fields}
    na_max = Decimal("2.5")  # 1.5.1 (1,5) and 2.1 (1)
    want_na = (2, res.applicable_max, res.applicable_max + na_max, 1)

    progress = (await lan.send("/progress", expect="Chỉ số sơ bộ")).plain
    got = progress_figures(progress)
    assert got["fields"] == want_fields, progress
    assert got["total"] == (res.points, res.applicable_max), progress
    # the walk: 49 field items not from the survey, B.1, B.2 (B.3 is for wards), P.1, P.2
    asked = 53
    assert got["answered"] == (asked - unanswered, asked), progress
    assert (got["unanswered"], got["index"]) == (unanswered, res.index), progress
    assert na_line(progress) == want_na

    rank = (await boss.send("/rank", expect="Chỉ số")).plain
    got = rank_figures(rank)
    assert {c: v[:2] for c, v in got["fields"].items()} == want_fields, rank
    assert {c: v[2] for c, v in got["fields"].items()} == {f.code: f.pct for f in res.fields}
    assert (got["unanswered"], got["index"]) == (unanswered, res.index), rank
    assert na_line(rank) == want_na

    submit = (await lan.send("/submit", expect="Chỉ số sơ bộ")).plain
    index = re.search(rf"Chỉ số sơ bộ: ({NUM})", submit)
    left = re.search(r"(\d+) tiêu chí chưa trả lời", submit)
    assert index and left, submit
    assert (dec(index[1]), int(left[1])) == (res.index, unanswered), submit
    assert na_line(submit) == want_na
    await lan.press("✖ Chưa nộp", expect="Chưa nộp")

    # the charts: the phone chart's bar for X01 and the fields chart's values
    phone = await stack.emu.wait_for(boss.user_id, lambda r: r.kind == "photo", 30)
    png = Image.open(io.BytesIO(file_bytes(stack, phone.photo)))
    values = dict(line.split("\t") for line in png.info[charts.VALUES_KEY].splitlines())
    mine = next(v for k, v in values.items() if "Canh Thuận" in k)
    assert dec(mine) == res.index
    fields = await boss.press("📊 Lĩnh vực so với trung vị của bảng", expect="trung vị")
    assert fields.kind == "photo"
    assert na_line(fields.plain) == want_na  # the caption says it too
    png = Image.open(io.BytesIO(file_bytes(stack, fields.photo)))
    drawn = {}
    for line in png.info[charts.VALUES_KEY].splitlines():
        label, unit_text, _median = line.split("\t")
        m = re.fullmatch(rf"({NUM})% \(({NUM})/({NUM})\)", unit_text)
        assert m, unit_text
        drawn[label.split(".")[0]] = (dec(m[2]), dec(m[3]), dec(m[1]))
    assert drawn == {f.code: (f.points, f.applicable_max, f.pct) for f in res.fields}

    # the leader's self-scoring sheet
    doc = await boss.send("/export", expect="Biểu tự chấm điểm")
    got = unit_sheet_figures(file_bytes(stack, doc.document))
    assert got["fields"] == {f.code: (f.points, f.applicable_max, f.pct) for f in res.fields}
    assert got["total"] == (res.points, res.applicable_max)
    assert (got["unanswered"], got["index"]) == (unanswered, res.index)
    assert na_line(str(got["na"])) == want_na
    assert got["leaves"] == {
        "1.5.1": ("Không áp dụng", "Không áp dụng"),
        "2.1": ("Không áp dụng", "Không áp dụng"),
        "2.2.2": (1, 1),  # na: full counts the full point
    }

    # Phòng Nội vụ's ranking sheet
    doc = await admin.send("/export ranking", expect="Xếp hạng năm 2024")
    got = ranking_sheet_figures(file_bytes(stack, doc.document), "X01")
    assert got["fields"] == {f.code: (f.points, f.applicable_max, f.pct) for f in res.fields}
    assert got["total"] == (res.points, res.applicable_max)
    assert (got["unanswered"], got["na"], got["index"]) == (unanswered, 2, res.index)
    assert "không áp dụng" in str(got["notes"]).lower()

    # Phòng Nội vụ's /progress counts the answered items the same way
    board = (await admin.send("/progress", expect="X01")).plain
    answered = re.search(r"X01 UBND xã Canh Thuận — .* đã trả lời (\d+)/(\d+)", board)
    assert answered and int(answered[1]) == asked - unanswered, board
    assert int(answered[2]) == asked, board  # out of the items the unit is asked

    # the one summary every screen and sheet reads them from
    assert res.unanswered == unanswered
    assert (res.counts.get("na"), res.counts.get("na_full"), res.na_max) == (2, 1, na_max)
    assert res.asked == asked

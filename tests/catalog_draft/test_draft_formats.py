"""The same realistic appendix as .docx, .xlsx and PDF drafts to the same catalog.

Every expectation is written in ``appendix.py`` by reading the appendix as a person would:
codes, maxima, each leaf's kind and numbers, the classification, and exactly the items a person
must check. The PDF's table runs over four pages and one row's rule continues on the next page;
the Word file has merged heading rows, a vertically merged evidence cell and multi-paragraph
cells; the Excel file stores points both as numbers and as comma-decimal text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from catalog_draft import Draft, draft_file
from catalog_draft.report import report_json
from scoring.catalog import Catalog
from scoring.catalog_loader import load_catalog
from tests.catalog_draft.appendix import (
    CLASSIFICATION,
    EXPECTED,
    FIELD_MAX,
    INNER_MAX,
    REVIEW,
    ROWS,
)

FORMATS = ("docx", "xlsx", "pdf")


@pytest.fixture(scope="module", params=FORMATS)
def drafted(
    request: pytest.FixtureRequest, appendix_files: dict[str, bytes]
) -> tuple[str, Draft, Catalog]:
    fmt = request.param
    draft = draft_file(f"Phu-luc-I.{fmt}", appendix_files[fmt])
    return fmt, draft, load_catalog(draft.yaml_text)


def test_the_draft_validates_as_written(drafted):
    fmt, draft, catalog = drafted
    assert draft.valid and draft.problems == []
    assert draft.format == fmt
    assert catalog.boards == ("commune",)
    assert catalog.title.startswith("Bộ chỉ số đánh giá, xác định chỉ số cải cách hành chính")
    assert catalog.decision == "Quyết định số 2024/QĐ-UBND ngày 15/12/2023 của UBND huyện Vân Canh"


def test_tree_codes_and_every_maximum(drafted):
    _fmt, _draft, catalog = drafted
    assert {f.code: f.max for f in catalog.fields} == FIELD_MAX
    assert catalog.max_total == Decimal(100)
    inner = {i.code: i.max for i in catalog.all_items() if not i.is_leaf and i.section == "field"}
    assert inner == {**FIELD_MAX, **INNER_MAX}
    leaves = {leaf.code: leaf.max for leaf in catalog.leaves()}
    assert leaves == {code: e["max"] for code, e in EXPECTED.items()}
    assert len([c for c in leaves if not c.startswith("T")]) >= 50
    assert catalog.item("4.2").is_leaf  # a criterion scored directly
    assert (
        catalog.item("1.1.1").title
        == "Ban hành Kế hoạch CCHC năm 2024 (có phụ lục phân công nhiệm vụ)"
    )
    assert catalog.fields[0].title == "Công tác chỉ đạo, điều hành CCHC"


def test_every_leaf_gets_the_kind_a_person_would_choose(drafted):
    _fmt, _draft, catalog = drafted
    got = {leaf.code: leaf.kind for leaf in catalog.leaves()}
    want = {code: e["kind"] for code, e in EXPECTED.items()}
    right = sum(1 for code in want if got.get(code) == want[code])
    assert right / len(want) >= 0.9, f"{right}/{len(want)}"
    assert got == want  # on this appendix every one is right


def _band_pairs(spec) -> list[tuple[int, str]]:
    return [(int(b.min), str(b.points.normalize())) for b in spec.bands]


def test_bands_deadlines_options_and_deductions_carry_the_appendix_numbers(drafted):
    _fmt, _draft, catalog = drafted
    for code, e in EXPECTED.items():
        spec = catalog.item(code).answer
        if "bands" in e:
            want = [(lo, str(Decimal(p).normalize())) for lo, p in e["bands"]]
            assert _band_pairs(spec) == want, code
        if e["kind"] == "date":
            assert (spec.deadline, spec.on_time, spec.late) == (
                e["deadline"],
                e["max"],
                e["late"],
            ), code
        if e["kind"] == "choice":
            points = [o.points for o in spec.options if not o.na]
            assert points == [Decimal(p) for p in e["points"]], code
        if e["kind"] == "deduction":
            assert spec.per == e["per"], code
            assert spec.cap == (e["cap"] if e["cap"] is not None else e["max"]), code
        if "zero_denominator" in e:
            assert spec.zero_denominator == e["zero_denominator"], code


def test_bonus_penalty_and_classification(drafted):
    _fmt, _draft, catalog = drafted
    assert catalog.bonus_max == Decimal(2) and catalog.penalty_max == Decimal(3)
    assert [b.code for b in catalog.bonus] == ["T1", "T2"]
    assert [p.code for p in catalog.penalty] == ["TR1", "TR2"]
    rules = [
        {
            k: v
            for k, v in (
                ("label", r.label),
                ("min_index", r.min_index),
                ("min_field_pct", r.min_field_pct),
                ("max_penalty", r.max_penalty),
            )
            if v is not None
        }
        for r in catalog.classification
    ]
    assert rules == CLASSIFICATION


def test_rule_and_evidence_text_are_kept_for_the_cards(drafted):
    fmt, _draft, catalog = drafted
    rows = {r.code.rstrip("."): r for r in ROWS if r.kind == "item"}
    for leaf in catalog.field_leaves():
        row = rows[leaf.code]
        assert " ".join((leaf.rule or "").split()) == " ".join(row.rule.split()), leaf.code
        if row.evidence:
            assert leaf.evidence == row.evidence or leaf.code == "2.1.2", leaf.code
            assert leaf.evidence_required is (leaf.kind != "survey")
    merged = "Văn bản QPPL đã ban hành" if fmt != "pdf" else "Kết luận kiểm tra"
    assert catalog.item("2.1.2").evidence == merged  # the Word/Excel cell is merged with 2.1.1's


def test_the_review_list_is_exactly_what_a_person_must_check(drafted):
    _fmt, draft, _catalog = drafted
    review = draft.review()
    assert [code for code, _ in review] == list(REVIEW)
    for code, note in review:
        assert REVIEW[code] in note.render(str), (code, note.render(str))
    sums = {s["code"]: s for s in report_json(draft)["sums"]}
    assert sums["1.3"] == {"code": "1.3", "stated": 2.5, "sum": 2.0, "ok": False}
    assert all(s["ok"] for code, s in sums.items() if code != "1.3")


def test_every_guess_and_every_check_has_its_comment(drafted):
    _fmt, draft, catalog = drafted
    text = draft.yaml_text
    assert yaml.safe_load(text)["catalog"] == draft.catalog_id
    assert text.count("# guess: ") == len(catalog.leaves()) + 2  # + board and classification
    assert text.count("# CHECK: ") == len(REVIEW)
    block = text[text.index('code: "1.3"') : text.index('code: "1.3.1"')]
    assert "# CHECK: the document gives 2.5 points but its sub-items add up to 2" in block
    unreadable = text[text.index('code: "3.3.3"') : text.index('code: "4"')]
    assert "kind: manual" in unreadable and "# CHECK: the rule could not be read" in unreadable


def test_json_report_counts_fields_sums_kinds_and_phrases(drafted):
    fmt, draft, _catalog = drafted
    report = report_json(draft)
    assert report["format"] == fmt and report["valid"] is True
    assert [(f["code"], f["items"]) for f in report["fields"]] == [
        ("1", 11),
        ("2", 7),
        ("3", 9),
        ("4", 5),
        ("5", 6),
        ("6", 4),
        ("7", 6),
        ("8", 4),
    ]
    assert report["total"] == {"sum": 100.0, "stated": 100.0}
    assert report["kinds"] == {
        "date": 4,
        "ratio": 12,
        "deduction": 4,
        "choice": 18,
        "proportional": 5,
        "number": 7,
        "manual": 2,
        "survey": 4,
    }
    leaves = {leaf["code"]: leaf for leaf in report["leaves"]}
    assert leaves["1.2.1"]["phrase"] == "mỗi báo cáo chậm hoặc không gửi trừ 0,25 điểm"
    assert leaves["3.2.1"]["phrase"] == "Tỷ lệ % hồ sơ giải quyết đúng hạn × 3"
    assert leaves["8.1"]["phrase"] == "điều tra xã hội học"
    assert [r["code"] for r in report["review"]] == list(REVIEW)

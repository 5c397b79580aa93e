"""Issue 18, finding 8: risky PDFs (scripts, launch actions, attachments, polyglots) were
accepted silently. Each is built in the test (see :mod:`tests.evidence_check.hostile`) and
checked under the three province policies."""

from __future__ import annotations

import pytest

from conversations.evidence_check import messages
from conversations.evidence_check.risk_policy import POLICIES, refuses
from conversations.evidence_check.verdict import REASON_RISKY_PDF
from tests.evidence_check import factories as f
from tests.evidence_check import hostile as h
from tests.evidence_check.helpers import assert_refused, check

ACTIVE_CASES = [
    ("open_action_js", h.open_action_js, ["javascript"]),
    ("names_js", h.names_js, ["javascript"]),
    ("page_aa_js", h.page_aa_js, ["javascript"]),
    ("obfuscated_js", h.obfuscated_js, ["javascript"]),
    ("launch", h.launch_action, ["launch"]),
    ("orphan_launch", h.orphan_launch, ["launch"]),
    (
        "exe_attached",
        lambda: h.attachment("cai-dat.exe", f.windows_exe()),
        ["embedded_executable", "embedded_file"],
    ),
    (
        "exe_named_txt",  # the content decides, not the name
        lambda: h.attachment("hoa-don.txt", f.elf()),
        ["embedded_executable", "embedded_file"],
    ),
]
PASSIVE_CASES = [
    ("attachment", h.attachment, ["embedded_file"]),
    ("zip_appended", h.zip_appended, ["polyglot"]),
    ("zip_inside", h.zip_inside, ["polyglot"]),
    ("html_before", h.html_before, ["polyglot"]),
    ("aa_uri", h.page_aa_uri, ["auto_action"]),
]


@pytest.mark.parametrize(
    ("label", "build", "risks"), ACTIVE_CASES, ids=[c[0] for c in ACTIVE_CASES]
)
def test_active_content_is_refused_by_default(label, build, risks) -> None:
    verdict = check(build())
    assert_refused(verdict, REASON_RISKY_PDF)
    assert verdict.risks == risks
    assert verdict.message == messages.RISKY_PDF
    for code in risks:
        assert messages.RISK_LABELS[code] in str(verdict.params["risks"])


@pytest.mark.parametrize(
    ("label", "build", "risks"), PASSIVE_CASES, ids=[c[0] for c in PASSIVE_CASES]
)
def test_passive_content_is_accepted_and_flagged_by_default(label, build, risks) -> None:
    data = build()
    verdict = check(data)
    assert verdict.accepted and verdict.kind == "pdf", verdict
    assert verdict.risks == risks
    assert verdict.pdf_bytes == data  # stored as sent: the council sees what was sent


@pytest.mark.parametrize(
    ("label", "build", "risks"),
    ACTIVE_CASES + PASSIVE_CASES,
    ids=[c[0] for c in ACTIVE_CASES + PASSIVE_CASES],
)
def test_flag_accepts_everything_and_refuse_all_refuses_everything(label, build, risks) -> None:
    data = build()
    flagged = check(data, risky_pdf="flag")
    assert flagged.accepted and flagged.risks == risks
    assert_refused(check(data, risky_pdf="refuse-all"), REASON_RISKY_PDF)


@pytest.mark.parametrize(
    "build",
    [
        h.fpdf_document,
        h.goto_open_action,
        f.text_page_pdf,
        f.pypdf_pdf,
        lambda: f.text_page_pdf(pages=3),
    ],
)
def test_ordinary_pdfs_carry_no_risk(build) -> None:
    data = build()
    for policy in POLICIES:
        verdict = check(data, risky_pdf=policy)
        assert verdict.accepted and verdict.risks == [], (policy, verdict)


def test_signed_pdfs_carry_no_risk(signed_files) -> None:
    for data in (signed_files.signed, signed_files.countersigned):
        verdict = check(data, risky_pdf="refuse-all")
        assert verdict.accepted and verdict.risks == []


def test_policy_table() -> None:
    js, attached = frozenset({"javascript"}), frozenset({"embedded_file", "polyglot"})
    assert refuses("refuse-active", js) and not refuses("refuse-active", attached)
    assert refuses("refuse-all", attached) and not refuses("refuse-all", frozenset())
    assert not refuses("flag", js | attached)


def test_the_officer_reads_it_in_vietnamese() -> None:
    from conversations.i18n import t

    found = ", ".join(t("vi", messages.RISK_LABELS[c]) for c in ("javascript", "launch"))
    text = t("vi", messages.RISKY_PDF, risks=found)
    assert "mã JavaScript, lệnh khởi chạy chương trình" in text and "từ chối" in text
    assert "đánh dấu" in t("vi", messages.RISKY_FLAGGED, risks=found)

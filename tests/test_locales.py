"""Every user-facing string has a Vietnamese translation with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def test_vietnamese_catalog_covers_every_msgid_in_the_code(tmp_path):
    pot = tmp_path / "fresh.pot"
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    from bot.locales_build import KEYWORDS

    subprocess.run(
        [
            pybabel,
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            *KEYWORDS,
            "-o",
            str(pot),
            "scoring",
            "conversations",
            "handlers",
            "scheduler",
            "bot",
            "storage",
            "catalog_draft",
            "documents",
            "delivery",
        ],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    vi = {m.id: m for m in read_po((ROOT / "locales/vi/LC_MESSAGES/parbot.po").open("rb")) if m.id}
    missing = sorted(w for w in wanted if w not in vi or not vi[w].string or vi[w].fuzzy)
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"
    for msgid in wanted:
        # a plural message's id and string are tuples (singular, plural) / (each vi form)
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        forms = vi[msgid].string if isinstance(msgid, tuple) else (vi[msgid].string,)
        for form in forms:
            assert set(PLACEHOLDER.findall(ids[-1])) == set(PLACEHOLDER.findall(form)), msgid


def test_plural_forms_follow_each_language():
    """ "1 point", "2 points" in English; Vietnamese has one form (issue 16, finding 3)."""
    from conversations.i18n import thn

    def points(locale: str, n: int, shown: str) -> str:
        return str(thn(locale, "%(points)s point", "%(points)s points", n, points=shown))

    assert points("en", 1, "1") == "1 point"
    assert points("en", 2, "2") == "2 points"
    assert points("vi", 1, "1") == "1 điểm" and points("vi", 2, "2") == "2 điểm"

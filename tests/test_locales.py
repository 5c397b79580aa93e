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
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(vi[msgid].string)), msgid

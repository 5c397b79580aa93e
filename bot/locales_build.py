"""Gettext catalog maintenance: extract msgids, update the vi/en catalogs, compile them.

`python -m bot.locales_build` (run by set-up) only compiles; `--extract` refreshes the .pot and
merges new msgids into each .po so translators see exactly what is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conversations.i18n import DOMAIN, LOCALES_DIR, SUPPORTED

ROOT = LOCALES_DIR.parent
KEYWORDS = ["-k", "N_", "-k", "t:2", "-k", "tn:2,3", "-k", "thn:2,3", "-k", "trn:1,2", "-k", "tr"]


def compile_all() -> list[str]:
    done = []
    for po in sorted(LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        locale = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        with po.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog)
        done.append(locale)
    return done


def extract() -> None:
    pot = LOCALES_DIR / f"{DOMAIN}.pot"
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    dirs = [
        "scoring",
        "conversations",
        "handlers",
        "scheduler",
        "bot",
        "storage",
        "catalog_draft",
        "documents",
        "delivery",
    ]
    subprocess.run(
        [
            pybabel,
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            *KEYWORDS,
            "--no-wrap",
            "--sort-by-file",
            "-o",
            str(pot),
            *dirs,
        ],
        check=True,
        cwd=ROOT,
    )
    for loc in SUPPORTED:
        po = LOCALES_DIR / loc / "LC_MESSAGES" / f"{DOMAIN}.po"
        cmd = "update" if po.exists() else "init"
        args = [pybabel, cmd, "-i", str(pot), "-d", str(LOCALES_DIR), "-D", DOMAIN, "-l", loc]
        if cmd == "update":
            args += ["--no-wrap", "--ignore-obsolete"]
        subprocess.run(args, check=True, cwd=ROOT)


if __name__ == "__main__":
    if "--extract" in sys.argv:
        extract()
    print("compiled locales:", ", ".join(compile_all()) or "none")

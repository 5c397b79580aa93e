"""Messages are built so that user text cannot carry markup: the guards that keep it so.

One escaper (``conversations.markup.esc``) and no message markup assembled by f-strings or
``str.format``, where an interpolated name or title would go out unescaped; templates with
markup go through ``fmt``/``Ctx.tr``/``th``, which escape their arguments.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("conversations", "scheduler", "handlers", "bot", "delivery", "documents")
# the emulator plays Telegram (it re-renders entities as HTML); it builds no bot messages
NOT_MESSAGES = ("emulator/",)
TAG = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|a|code|pre|blockquote|tg-spoiler)[\s>]")


def _product_files() -> list[Path]:
    files: list[Path] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not rel.startswith(NOT_MESSAGES) and rel != "conversations/markup.py":
                files.append(path)
    return files


def markup_by_hand(path: Path) -> list[str]:
    """f-strings and ``.format`` calls whose literal text has Telegram tags, and escapers."""
    tree = ast.parse(path.read_text("utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            literal = "".join(
                v.value
                for v in node.values
                if isinstance(v, ast.Constant) and isinstance(v.value, str)
            )
            if TAG.search(literal):
                found.append(f"{path}:{node.lineno} f-string with markup")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and TAG.search(str(node.func.value.value))
        ):
            found.append(f"{path}:{node.lineno} str.format with markup")
        elif isinstance(node, ast.FunctionDef) and node.name in ("esc", "_esc", "escape"):
            found.append(f"{path}:{node.lineno} another escaper {node.name}()")
        elif isinstance(node, ast.Attribute) and ast.unparse(node) == "html.escape":
            found.append(f"{path}:{node.lineno} html.escape outside conversations.markup")
    return found


def test_messages_are_not_assembled_by_hand_and_there_is_one_escaper():
    offenders = [hit for path in _product_files() for hit in markup_by_hand(path)]
    assert offenders == [], "use conversations.markup.fmt / esc / bold / join_lines"


def test_the_guard_sees_what_it_forbids(tmp_path: Path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import html\n"
        "def esc(x):\n"
        "    return html.escape(x)\n"
        "def card(name, code):\n"
        "    a = f'<b>{name}</b>'\n"
        "    b = '<i>{}</i>'.format(code)\n"
        "    c = f'{code} · {name}'\n"  # plain text: allowed
        "    return a, b, c\n",
        "utf-8",
    )
    hits = markup_by_hand(bad)
    assert len(hits) == 4, hits

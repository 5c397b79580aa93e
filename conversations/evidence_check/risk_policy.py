"""The risk codes of an accepted PDF and the province's policy on them, without the parser.

:mod:`.risks` finds the risks with pypdf; deciding what they mean (:func:`refuses`) and
naming them in order needs no parser, so the bot process loads pypdf only with the first PDF
an officer sends (see :mod:`.inspector`). Codes are stable (stored with the file).
"""

from __future__ import annotations

from typing import Literal

JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_EXECUTABLE = "embedded_executable"
EMBEDDED_FILE = "embedded_file"
POLYGLOT = "polyglot"
AUTO_ACTION = "auto_action"

RISKS: tuple[str, ...] = (
    JAVASCRIPT,
    LAUNCH,
    EMBEDDED_EXECUTABLE,
    EMBEDDED_FILE,
    POLYGLOT,
    AUTO_ACTION,
)
ACTIVE: frozenset[str] = frozenset({JAVASCRIPT, LAUNCH, EMBEDDED_EXECUTABLE})
"""Content that acts on the reader's computer: refused by default."""

RiskPolicy = Literal["refuse-active", "flag", "refuse-all"]
POLICIES: tuple[RiskPolicy, ...] = ("refuse-active", "flag", "refuse-all")
DEFAULT_POLICY: RiskPolicy = "refuse-active"


def refuses(policy: str, risks: frozenset[str]) -> bool:
    """Whether the province's policy refuses a file with these risks."""
    if not risks or policy == "flag":
        return False
    if policy == "refuse-all":
        return True
    return bool(risks & ACTIVE)


def ordered(risks: frozenset[str]) -> list[str]:
    return [r for r in RISKS if r in risks]

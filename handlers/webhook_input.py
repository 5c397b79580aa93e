"""What the webhook accepts as an update body, decided before anything touches the database.

Telegram sends small, shallow JSON objects with ids that fit in 64 bits. Anything else (not
JSON, nested deeper than any real update, a number the database cannot store) is refused as a
permanent error: retrying it can never succeed, so it must not be answered like an outage.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 32
"""Real updates nest about 6 levels (callback_query → message → reply_markup → rows → button)."""

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class BadUpdate(ValueError):
    """The body is not an update parbot can ever handle; ``reason`` is one short phrase."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _refuse_constant(name: str) -> Any:
    raise BadUpdate(f"non-finite number {name}")


def parse_update(body: bytes) -> dict[str, Any]:
    """The update as a dict, or :class:`BadUpdate` (never RecursionError, never a huge int)."""
    try:
        update = json.loads(body, parse_constant=_refuse_constant)
    except BadUpdate:
        raise
    except RecursionError:  # the C decoder stops itself; nothing deeper is ever built
        raise BadUpdate(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, integers of 4,300+ digits
        raise BadUpdate(f"not valid JSON ({type(exc).__name__})") from None
    if not isinstance(update, dict):
        raise BadUpdate("not a JSON object")
    _check_values(update)
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        raise BadUpdate("update_id missing or not a non-negative integer")
    return update


def _check_values(update: dict[str, Any]) -> None:
    """Nesting within MAX_DEPTH, every integer fits in int64, every float is finite; walked
    with an explicit stack, so a hostile body cannot exhaust the interpreter's."""
    stack: list[tuple[Any, int]] = [(update, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadUpdate(f"nested deeper than {MAX_DEPTH} levels")
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not INT64_MIN <= value <= INT64_MAX:
                raise BadUpdate("a number does not fit in 64 bits")
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadUpdate("a number is out of range")

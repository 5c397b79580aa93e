"""The draft tree: items as the table gives them, each leaf with its guessed answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Section = Literal["field", "bonus", "penalty"]
Translate = Callable[[str], str]


@dataclass(frozen=True)
class Note:
    """A remark on an item: an untranslated msgid and its parameters (numbers as Decimal)."""

    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, translate: Translate, num: Callable[[Decimal], str] = str) -> str:
        """In the reader's language, numbers their way ("0,25"); a tuple of numbers is a sum
        of parts ("0,3 + 0,2")."""

        def show(value: object) -> object:
            if isinstance(value, Decimal):
                return num(value)
            if isinstance(value, tuple):
                return " + ".join(str(show(v)) for v in value)
            return value

        fixed = {k: show(v) for k, v in self.params.items()}
        return translate(self.message) % fixed if fixed else translate(self.message)


@dataclass
class Guess:
    """The answer a leaf's rule text reads as, and the words that decided it."""

    kind: str
    answer: dict[str, Any]
    phrase: str
    na: str | None = None
    review: list[Note] = field(default_factory=list)


@dataclass
class Node:
    code: str
    title: str
    max: Decimal | None
    section: Section = "field"
    rule: str = ""
    evidence: str = ""
    row: int = 0
    survey_hint: str | None = None
    children: list[Node] = field(default_factory=list)
    guess: Guess | None = None
    review: list[Note] = field(default_factory=list)
    stated_max: Decimal | None = None  # what the document wrote when it differs from the sum

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> Iterator[Node]:
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ClassRuleDraft:
    label: str
    min_index: Decimal | None = None
    min_field_pct: Decimal | None = None
    max_penalty: Decimal | None = None
    phrase: str = ""


@dataclass
class Extras:
    """What the document says besides the table: its title, decision, year, board, classes."""

    title: str | None = None
    decision: str | None = None
    year: int | None = None
    board: str | None = None
    board_phrase: str = ""
    other_boards: list[str] = field(default_factory=list)
    classification: list[ClassRuleDraft] = field(default_factory=list)
    classification_phrase: str = ""

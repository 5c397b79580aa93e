"""What every evidence screen shares: who may see or change a unit's files (read fresh for each
update), the item a button or a row points at, and how a stored file is named and described.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.callbacks import EvidenceList, WalkNav
from conversations.context import Ctx
from conversations.evidence_check import messages as check_messages
from conversations.evidence_names import shown_name
from conversations.flow_state import Mode
from conversations.markup import Html, bold, esc, join_lines
from conversations.replies import Button
from conversations.unitview import UnitView
from scoring.catalog import Item
from storage.files import EvidenceStore
from storage.repositories.rows import UnitRow
from storage.repositories.rows_evidence import EvidenceRow


@dataclass(frozen=True)
class Access:
    """What a person may do with one unit's files. ``fields`` None = every field."""

    can_view: bool
    can_edit: bool
    fields: frozenset[str] | None

    def sees(self, view: UnitView, code: str) -> bool:
        if not self.can_view:
            return False
        return self.fields is None or view.catalog.field_of(code) in self.fields


async def access_of(ctx: Ctx, unit: UnitRow) -> Access:
    """Read fresh from the database for every update: officers attach and remove their unit's
    files; leaders and admins see them; appraisers see the fields assigned to them."""
    if ctx.has_role("officer", unit.id):
        return Access(True, True, None)
    if ctx.is_admin or ctx.has_role("leader", unit.id):
        return Access(True, False, None)
    if ctx.has_role("appraiser"):
        fields = {
            a.field_code
            for a in await ctx.uow.appraisals.assignments(ctx.person.id, unit.period_id)
            if a.board in (None, unit.board)
        }
        if fields:
            return Access(True, False, frozenset(fields))
    return Access(False, False, frozenset())


def evidence_store(ctx: Ctx) -> EvidenceStore:
    return EvidenceStore(ctx.config.data_dir / "evidence")


def restore_mode(ctx: Ctx) -> None:
    """Leave the section question: back to what the officer was doing before the file."""
    back, ctx.state.ev_back, ctx.state.ev_sec = ctx.state.ev_back, None, None
    ctx.state.mode = back if back not in (Mode.EV_SECTION, Mode.EV_PICK) else None


def leaf_of(view: UnitView, code: object) -> Item | None:
    if not isinstance(code, str):
        return None
    item = view.catalog.item(code)
    if item is None or not item.is_leaf or item.is_survey or code not in view.items:
        return None
    return item


def node_of(view: UnitView, code: object) -> Item | None:
    return view.catalog.item(code) if isinstance(code, str) else None


def item_of_row(view: UnitView | None, row: EvidenceRow) -> Item | None:
    if view is None:
        return None
    return view.item_by_id(row.item_id)


def nav_buttons(ctx: Ctx, view: UnitView, item: Item) -> tuple[tuple[Button, ...], ...]:
    u, i = view.unit.id, view.item_id(item.code)
    return (
        (
            Button(ctx.tr("📋 Open %(code)s", code=item.code), WalkNav("g", u, i).pack()),
            Button(ctx.tr("Next ▶"), WalkNav("n", u, i).pack()),
        ),
        (Button(ctx.tr("📂 Files of %(code)s", code=item.code), EvidenceList(u, i, 0).pack()),),
    )


def risk_names(ctx: Ctx, codes: object) -> str:
    """What was found in a risky PDF, in the reader's language."""
    labels = check_messages.RISK_LABELS
    found = [ctx.tr(labels[c]) for c in codes if c in labels] if isinstance(codes, list) else []
    return join_lines(found, ", ")


def status_label(ctx: Ctx, row: EvidenceRow) -> str:
    who = esc(row.signer or "?")
    when = when_text(ctx, row.signed_at) if row.signed_at else "—"
    status = row.signature_status
    if status == "signed_intact":
        return ctx.tr("✅ signed, intact (%(signer)s, %(time)s)", signer=who, time=when)
    if status == "signed_modified":
        return ctx.tr(
            "❗ signed, but modified after signing (%(signer)s, %(time)s)", signer=who, time=when
        )
    if status == "unsigned":
        return ctx.tr("⚠️ unsigned")
    if status == "photo":
        return ctx.tr("📷 photo converted to PDF (unsigned)")
    return ctx.tr("❌ unreadable")


def row_name(row: EvidenceRow) -> str:
    """A stored file's name as shown (rows from before upload cleaning are cleaned here)."""
    return shown_name(row.original_name)


def bold_row_name(row: EvidenceRow) -> Html:
    return bold(row_name(row))


def when_text(ctx: Ctx, value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(ctx.config.tz).strftime("%d/%m/%Y %H:%M")


def size_text(ctx: Ctx, size: int) -> str:
    if size < 1024 * 1024:
        return ctx.tr("%(n)s KB", n=ctx.num(max(1, round(size / 1024))))
    return ctx.tr("%(n)s MB", n=ctx.num(round(size / (1024 * 1024), 1)))

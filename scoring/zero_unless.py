"""``zero_unless``: a leaf that scores 0 while another item scores 0.

"Nếu không ban hành kế hoạch (1.1.1) thì 1.1.2 được 0 điểm": the dependency is checked when the
catalog loads (the named item exists, is not the leaf itself or its own group, and no chain of
them loops), and the leaves are ordered so that each is zeroed after what it depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from scoring.catalog import Item
from scoring.i18n import N_

Report = Callable[..., None]


def zero_order(by_code: Mapping[str, Item], err: Report) -> tuple[Item, ...]:
    """The leaves with ``zero_unless`` in dependency order; problems go to ``err``."""
    deps: dict[str, tuple[str, ...]] = {}
    for item in by_code.values():
        target_code = item.zero_unless
        if target_code is None or not item.is_leaf:
            continue
        target = by_code.get(target_code)
        if target is None:
            err(
                item.code,
                N_("zero_unless names %(code)s, which is not in the catalog"),
                code=target_code,
            )
            continue
        leaves = tuple(leaf.code for leaf in target.leaves())
        if item.code in leaves:
            err(
                item.code,
                N_("zero_unless cannot name the item itself (%(code)s)"),
                code=target_code,
            )
            continue
        deps[item.code] = leaves
    order: list[Item] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2 or code not in deps:
            return
        if state.get(code) == 1:
            loop = [*path[path.index(code) :], code]
            err(code, N_("zero_unless forms a loop: %(loop)s"), loop=" → ".join(loop))
            return
        state[code] = 1
        for dep in deps[code]:
            visit(dep, [*path, code])
        state[code] = 2
        order.append(by_code[code])

    for code in deps:
        visit(code, [])
    return tuple(order)

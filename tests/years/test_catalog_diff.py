"""The proposed criteria mapping between two catalogs, and reading a corrected mapping back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring import catalog_diff as D
from scoring.catalog_loader import load_catalog
from tests.years.yeardata import NEW, OLD, catalog, leaf

OC, NC = load_catalog(OLD), load_catalog(NEW)


def by_new(pair: D.PairMapping) -> dict[tuple[str, ...], D.Link]:
    return {link.new: link for link in pair.links}


def test_split_recoded_and_changed_max_are_found():
    links = by_new(D.diff(OC, NC))
    assert links[("1.1",)].match == "same" and links[("1.1",)].max_changed
    assert (links[("1.1",)].old_max, links[("1.1",)].new_max) == (Decimal(4), Decimal(5))
    assert links[("1.2.1", "1.2.2")].old == ("1.2",)
    assert links[("1.2.1", "1.2.2")].match == "split"
    assert links[("1.4",)].old == ("1.3",) and links[("1.4",)].match == "recoded"
    assert len(links) == 3


def test_the_reverse_is_a_merge():
    links = by_new(D.diff(NC, OC))
    assert links[("1.2",)].old == ("1.2.1", "1.2.2") and links[("1.2",)].match == "merged"


def test_renamed_added_and_removed():
    other = load_catalog(
        catalog(
            "xa-2026",
            2026,
            leaf("1.1", "Ban hành và triển khai Kế hoạch CCHC", 4)
            + leaf("1.2", "Tiếp nhận và trả kết quả hồ sơ đúng hạn", 3)
            + leaf("1.5", "Ứng dụng trí tuệ nhân tạo", 3),
            10,
        )
    )
    links = D.diff(OC, other).links
    kinds = {(link.old, link.new): link.match for link in links}
    assert kinds[(("1.1",), ("1.1",))] == "renamed"
    assert kinds[(("1.2",), ("1.2",))] == "same"
    assert kinds[((), ("1.5",))] == "added"
    assert kinds[(("1.3",), ())] == "removed"
    assert not any(link.comparable for link in links if link.match in ("added", "removed"))


def test_a_dumped_mapping_loads_back_and_bad_codes_are_all_listed():
    text = D.dump([D.diff(OC, NC)], {OC.id: OC}, {NC.id: NC}, from_year=2024, to_year=2025)
    pairs = D.load(text, {OC.id: OC}, {NC.id: NC})
    assert [link.match for link in pairs[0].links] == [link.match for link in D.diff(OC, NC).links]
    bad = text.replace("['1.3']", "['9.9']").replace("['1.4']", "['1.1']")
    with pytest.raises(D.MappingError) as err:
        D.load(bad, {OC.id: OC}, {NC.id: NC})
    messages = [p.message % p.params for p in err.value.problems]
    assert "item 3: no scored item 9.9" in messages
    assert "item 3: 1.1 is mapped twice" in messages
    with pytest.raises(D.MappingError):
        D.load("catalogs: [", {OC.id: OC}, {NC.id: NC})
    with pytest.raises(D.MappingError):
        D.load("just: text", {OC.id: OC}, {NC.id: NC})

from decimal import Decimal

import pytest
import yaml

from scoring import catalog_loader
from scoring.catalog import CatalogError, sample_catalog_paths
from scoring.catalog_loader import load_catalog, load_catalog_file
from scoring.kinds import KINDS
from tests.scoring import district_catalog, generated
from tests.scoring.mini_catalog import MINI


def test_mini_catalog_loads_with_tree_and_fields():
    cat = load_catalog(MINI)
    assert cat.id == "mini-2024"
    assert [f.code for f in cat.fields] == ["1", "2", "3"]
    assert cat.max_total == Decimal(10)
    assert [leaf.code for leaf in cat.leaves()] == [
        "1.1.1",
        "1.1.2",
        "1.2",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "B1",
        "P1",
    ]
    assert cat.field_of("1.1.2") == "1"
    assert cat.field_of("B1") is None
    assert cat.item("2.1").answer.kind == "ratio"


def _problems(text: str) -> list[str]:
    with pytest.raises(CatalogError) as err:
        load_catalog(text)
    return [p.render() for p in err.value.problems]


def test_every_problem_is_reported_with_its_code():
    bad = MINI.replace(
        'max: 4\n    items:\n      - code: "1.1"', 'max: 5\n    items:\n      - code: "1.1"'
    )
    bad = bad.replace('code: "2.2"', 'code: "2.1"')
    bad = bad.replace("kind: manual", "kind: freeform")
    bad = bad.replace(
        "{min_pct: 90, points: 1}, {min_pct: 0", "{min_pct: 0, points: 1}, {min_pct: 10"
    )
    problems = _problems(bad)
    text = "\n".join(problems)
    assert "1: children add up to 4 but max is 5" in text
    assert "2.1: duplicate item code 2.1" in text
    assert "unknown answer kind 'freeform'" in text
    assert "bands must be in strictly descending order" in text
    assert len(problems) >= 4


def test_best_option_must_reach_max_and_na_needs_policy():
    bad = MINI.replace(
        "{id: co, label: Có, points: 1}, {id: khong, label: Không, points: 0}]}\n            evidence",
        "{id: co, label: Có, points: 0.5}, {id: khong, label: Không, points: 0}]}\n            evidence",
    )
    bad = bad.replace("        na: exclude\n", "")
    text = "\n".join(_problems(bad))
    assert "1.1.1: the best option gives 0.5, not the max 1" in text
    assert "1.2: an option is 'na' but the item does not declare na" in text


def test_classification_needs_no_catch_all_but_an_order():
    without_catch_all = MINI.replace("  - {label: Không hoàn thành nhiệm vụ}\n", "")
    assert len(load_catalog(without_catch_all).classification) == 3
    swapped = MINI.replace("min_index: 90", "min_index: 60")
    assert any("ordered from the highest" in p for p in _problems(swapped))
    early = MINI.replace("  - {label: Không hoàn thành nhiệm vụ}\n", "").replace(
        "{label: Hoàn thành tốt nhiệm vụ, min_index: 80, min_field_pct: 70}",
        "{label: Hoàn thành tốt nhiệm vụ}",
    )
    assert any("never used" in p for p in _problems(early))


def test_not_yaml_and_not_a_mapping():
    assert any("not valid YAML" in p for p in _problems("a: [b"))
    assert _problems("- 1\n- 2")
    assert _problems("")


def test_catalog_yaml_parsed_by_libyaml_is_what_the_pure_parser_reads():
    """The catalog loader parses with libyaml's C parser where PyYAML has it: the same data
    as ``yaml.safe_load`` for every sample and generated catalog; invalid YAML is reported with
    the pure parser's message, as before."""
    texts = [p.read_text("utf-8") for p in sample_catalog_paths().values()]
    texts += [MINI, generated.catalog_yaml(), district_catalog.DISTRICT]
    for text in texts:
        assert catalog_loader._yaml(text) == yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load("a: [b")
    with pytest.raises(CatalogError) as got:
        catalog_loader._yaml("a: [b")
    assert got.value.problems[0].params == {"error": str(pure.value)}


def test_sample_catalogs_are_valid_and_use_every_kind():
    paths = sample_catalog_paths()
    assert {"xa-mau-2024", "phong-mau-2024"} <= set(paths)
    for path in paths.values():
        cat = load_catalog_file(path)
        assert "mẫu" in cat.title
        assert cat.max_total == Decimal(100)
        assert len(cat.fields) == 8
        kinds = {leaf.kind for leaf in cat.leaves()}
        assert kinds == set(KINDS)
        assert cat.tags, "an applies_to item"
        assert any(it.max != it.max.quantize(Decimal("0.01")) for it in cat.all_items())

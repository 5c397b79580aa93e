"""The strict loader: unknown keys, three decimals and every misuse of the new rules, all listed
at once with the item code."""

from decimal import Decimal

import pytest

from scoring.catalog import CatalogError
from scoring.catalog_loader import load_catalog
from tests.scoring.district_catalog import DISTRICT


def problems(text: str) -> list[str]:
    with pytest.raises(CatalogError) as err:
        load_catalog(text)
    return [p.render() for p in err.value.problems]


def test_misspelled_key_names_item_and_nearest_key_and_every_error_is_listed():
    bad = DISTRICT.replace(
        "        title: Ban hành kế hoạch\n",
        "        title: Ban hành kế hoạch\n        evidance_required: true\n",
    ).replace("per: 0.5,", "per: 0.5, pre: 1,")
    bad = bad.replace("scale: 100", "scale: 100\nscael: 3")
    found = problems(bad)
    assert "1.3: unknown key evidance_required — did you mean evidence_required?" in found
    assert "1.2: unknown key pre — did you mean per?" in found
    assert "catalog: unknown key scael — did you mean scale?" in found
    assert len(found) == 3


def test_unknown_keys_in_options_sections_and_rules():
    bad = DISTRICT.replace(
        "{id: co, label: Có, points: 0.125}", "{id: co, lable: Có, points: 0.125}"
    )
    found = problems(bad)
    assert "2.1: unknown key lable — did you mean label?" in found
    assert "2.1: each option needs an id and a label" in found
    bad = DISTRICT.replace(
        "{id: khong, label: Không, points: 0}]}\n  - code",
        "{id: khong, label: Không, points: 0, pints: 1}]}\n  - code",
    )
    assert "1.4: unknown key pints — did you mean points?" in problems(bad)
    bad = DISTRICT.replace(
        "{label: Tốt, min_index: 80}", "{label: Tốt, min_index: 80, min_fields: 3}"
    )
    assert "classification[1]: unknown key min_fields — did you mean min_field_pct?" in problems(
        bad
    )
    bad = DISTRICT.replace(
        "{label: Tốt, min_index: 80}", "{label: Tốt, min_index: 80, colour: red}"
    )
    assert any(
        p.startswith("classification[1]: unknown key colour (known: ") for p in problems(bad)
    )


def test_three_decimals_pass_four_do_not():
    assert load_catalog(DISTRICT).item("2.1").max == Decimal("0.125")
    bad = DISTRICT.replace("max: 0.125", "max: 0.1255").replace("points: 0.125}", "points: 0.1255}")
    assert "2.1: 'max' has more than three decimals: 0.1255" in problems(bad)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("per: 0.5,", "per: -0.5,"), "1.2: per must be greater than 0"),
        (('zero_unless: "1.3"', 'zero_unless: "9.9"'), "1.4: zero_unless names 9.9, which is not"),
        (
            ('zero_unless: "1.3"', 'zero_unless: "1.4"'),
            "1.4: zero_unless cannot name the item itself",
        ),
        (
            ('zero_unless: "1.3"', 'zero_unless: "1"'),
            "1.4: zero_unless cannot name the item itself",
        ),
        (
            ("applies_to: [phuong]", "applies_to: []"),
            "2.2: applies_to needs a list of at least one",
        ),
        (
            ("board: district", "board: district\nprecision: 4"),
            "precision: precision 4: give a whole",
        ),
        (("board: district", "board: Bảng 3"), "board: board 'Bảng 3': no unit can belong to it"),
        (("scale: 100", "scale: 0"), "scale: scale must be greater than 0"),
        (
            ("min_field_pct: 80}", 'min_field_pct: {"7": 80}}'),
            "classification[0]: min_field_pct names 7",
        ),
    ],
)
def test_each_misuse_of_a_new_rule_names_the_item_and_what_to_fix(change, expected):
    found = problems(DISTRICT.replace(*change))
    assert any(p.startswith(expected) for p in found), found


def test_zero_unless_loop_is_refused():
    looped = DISTRICT.replace(
        "        title: Ban hành kế hoạch\n",
        '        title: Ban hành kế hoạch\n        zero_unless: "1.4"\n',
    )
    assert "1.3: zero_unless forms a loop: 1.3 → 1.4 → 1.3" in problems(looped)


def test_proportional_max_must_fit_the_precision():
    bad = DISTRICT.replace("board: district", "board: district\nprecision: 1")
    load_catalog(bad)  # 2.1 is a choice: precision is about proportional items only
    bad = bad.replace(
        "title: Tỷ lệ hồ sơ đúng hạn\n        max: 2",
        "title: Tỷ lệ hồ sơ đúng hạn\n        max: 2.25",
    )
    bad = bad.replace("max: 6", "max: 6.25")
    assert any(p.startswith("1.1: max 2.25 has more decimals") for p in problems(bad))


def test_several_boards_and_any_positive_scale():
    cat = load_catalog(
        DISTRICT.replace("board: district", "board: [district, branch]").replace(
            "scale: 100", "scale: 60"
        )
    )
    assert cat.boards == ("district", "branch") and cat.scale == 60

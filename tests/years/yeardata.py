"""Small catalogs written by the tests: a 2024 catalog, and a 2025 one that renames, re-codes,
splits a criterion and changes a maximum."""

from __future__ import annotations

from pathlib import Path

CHOICE = "{kind: choice, options: [{id: co, label: Có, points: %s}, {id: khong, label: Không, points: 0}]}"


def leaf(code: str, title: str, mx: float, indent: str = "      ") -> str:
    return (
        f'{indent}- code: "{code}"\n{indent}  title: {title}\n{indent}  max: {mx}\n'
        f"{indent}  answer: {CHOICE % mx}\n"
    )


def catalog(cat_id: str, year: int, body: str, field_max: float, board: str = "commune") -> str:
    return (
        f"catalog: {cat_id}\ntitle: Bộ chỉ số thử năm {year}\nboard: {board}\nscale: 100\n"
        "classification:\n"
        "  - {label: Hoàn thành tốt nhiệm vụ, label_en: Good, min_index: 80}\n"
        "  - {label: Hoàn thành nhiệm vụ, label_en: Completed, min_index: 50}\n"
        "  - {label: Không hoàn thành nhiệm vụ, label_en: Not completed}\n"
        "items:\n"
        f'  - code: "1"\n    title: Công tác chỉ đạo, điều hành CCHC\n    max: {field_max}\n'
        f"    items:\n{body}"
    )


OLD = catalog(
    "xa-2024",
    2024,
    leaf("1.1", "Ban hành Kế hoạch CCHC năm 2024", 4)
    + leaf("1.2", "Tiếp nhận và trả kết quả hồ sơ đúng hạn", 3)
    + leaf("1.3", "Tuyên truyền cải cách hành chính", 3),
    10,
)

NEW = catalog(
    "xa-2025",
    2025,
    leaf("1.1", "Ban hành Kế hoạch CCHC năm 2025", 5)  # same criterion, new maximum
    + '      - code: "1.2"\n        title: Tiếp nhận, trả kết quả\n        max: 3\n'
    "        items:\n"
    + leaf("1.2.1", "Tiếp nhận hồ sơ đúng hạn", 1.5, "          ")  # 1.2 split in two
    + leaf("1.2.2", "Trả kết quả hồ sơ đúng hạn", 1.5, "          ")
    + leaf("1.4", "Công tác tuyên truyền cải cách hành chính", 3),  # was 1.3
    11,
)


def write(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)

"""The worked example of issue 14: a district board, proportional, deduction, zero_unless,
applies_to and a three-decimal maximum; figures worked out by hand.

H1 (tags phuong): 1.1 = 3/4 → 1.5; 1.2 = 1 → 2 − 0.5 = 1.5; 1.3 = co 1; 1.4 = co 1 → field 1
5/6 = 83.33%; 2.1 0.125 + 2.2 1.875 + 2.3 2 = 4 → 9.000 of 10, index 90.00, Xuất sắc.
H2 (no tags): 1.1 = 4/4 → 2; 1.2 = 5 → max(2 − 2.5, 0) = 0; 1.3 = khong 0; 1.4 = co but
zero_unless 1.3 → 0; 2.1 0.125, 2.2 does not apply, 2.3 2 → 4.125 of 8.125, index 50.77,
Trung bình.
"""

DISTRICT = """
catalog: huyen-2025
title: Bộ chỉ số CCHC cấp huyện (mẫu thử)
board: district
scale: 100
classification:
  - {label: Xuất sắc, min_index: 90, min_field_pct: 80}
  - {label: Tốt, min_index: 80}
  - {label: Khá, min_index: 65}
  - {label: Trung bình, min_index: 50}
  - {label: Yếu}
items:
  - code: "1"
    title: Chỉ đạo, điều hành
    max: 6
    items:
      - code: "1.1"
        title: Tỷ lệ hồ sơ đúng hạn
        max: 2
        answer: {kind: proportional, numerator: số hồ sơ đúng hạn, denominator: tổng số hồ sơ}
      - code: "1.2"
        title: Báo cáo định kỳ
        max: 2
        answer: {kind: deduction, per: 0.5, label: số báo cáo chậm}
      - code: "1.3"
        title: Ban hành kế hoạch
        max: 1
        answer: {kind: choice, options: [{id: co, label: Có, points: 1}, {id: khong, label: Không, points: 0}]}
      - code: "1.4"
        title: Triển khai kế hoạch
        max: 1
        zero_unless: "1.3"
        answer: {kind: choice, options: [{id: co, label: Có, points: 1}, {id: khong, label: Không, points: 0}]}
  - code: "2"
    title: Cải cách TTHC
    max: 4
    items:
      - code: "2.1"
        title: Công khai TTHC
        max: 0.125
        answer: {kind: choice, options: [{id: co, label: Có, points: 0.125}, {id: khong, label: Không, points: 0}]}
      - code: "2.2"
        title: Bộ phận một cửa phường
        max: 1.875
        applies_to: [phuong]
        answer: {kind: choice, options: [{id: co, label: Có, points: 1.875}, {id: khong, label: Không, points: 0}]}
      - code: "2.3"
        title: Số hóa hồ sơ
        max: 2
        answer: {kind: choice, options: [{id: co, label: Có, points: 2}, {id: khong, label: Không, points: 0}]}
"""

UNITS_CSV = "code,name,board,tags\nH1,Huyện Một,district,phuong\nH2,Huyện Hai,district,\n"

ANSWERS = {
    "H1": {
        "1.1": "3/4",
        "1.2": "1",
        "1.3": "co",
        "1.4": "co",
        "2.1": "co",
        "2.2": "co",
        "2.3": "co",
    },
    "H2": {"1.1": "4/4", "1.2": "5", "1.3": "khong", "1.4": "co", "2.1": "co", "2.3": "co"},
}


def answers_csv() -> str:
    lines = ["unit,item,value"]
    for unit, values in ANSWERS.items():
        lines.extend(f"{unit},{code},{value}" for code, value in values.items())
    return "\n".join(lines) + "\n"

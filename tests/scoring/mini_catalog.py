"""A tiny catalog whose figures are easy to work out by hand in tests."""

MINI = """
catalog: mini-2024
title: Bộ chỉ số thử (mẫu)
board: commune
scale: 100
classification:
  - {label: Hoàn thành xuất sắc nhiệm vụ, min_index: 90, min_field_pct: 80}
  - {label: Hoàn thành tốt nhiệm vụ, min_index: 80, min_field_pct: 70}
  - {label: Hoàn thành nhiệm vụ, min_index: 65, min_field_pct: 50}
  - {label: Không hoàn thành nhiệm vụ}
items:
  - code: "1"
    title: Chỉ đạo, điều hành
    max: 4
    items:
      - code: "1.1"
        title: Kế hoạch
        max: 2
        items:
          - code: "1.1.1"
            title: Kế hoạch CCHC năm
            max: 1
            answer: {kind: choice, options: [{id: co, label: Có, points: 1}, {id: khong, label: Không, points: 0}]}
            evidence: Kế hoạch CCHC
            evidence_required: true
          - code: "1.1.2"
            title: Ban hành đúng hạn
            max: 1
            answer: {kind: date, deadline: 2023-12-20, on_time: 1, late: 0.5}
      - code: "1.2"
        title: Kiểm tra CCHC
        max: 2
        na: exclude
        answer:
          kind: choice
          options:
            - {id: du, label: Đầy đủ, points: 2}
            - {id: mot_phan, label: Một phần, points: 1}
            - {id: khong, label: Không, points: 0}
            - {id: na, label: Không áp dụng, na: true}
  - code: "2"
    title: TTHC
    max: 4
    items:
      - code: "2.1"
        title: Tỷ lệ hồ sơ đúng hạn
        max: 2
        answer:
          kind: ratio
          numerator: Số hồ sơ đúng hạn
          denominator: Tổng số hồ sơ
          zero_denominator: full
          bands: [{min_pct: 100, points: 2}, {min_pct: 90, points: 1}, {min_pct: 0, points: 0}]
      - code: "2.2"
        title: Số vụ vi phạm
        max: 1
        answer: {kind: number, bands: [{min: 2, points: 0}, {min: 1, points: 0.5}, {min: 0, points: 1}]}
      - code: "2.3"
        title: Nhiệm vụ khác
        max: 1
        answer: {kind: manual, step: 0.25}
  - code: "3"
    title: Khảo sát
    max: 2
    items:
      - code: "3.1"
        title: Mức độ hài lòng
        max: 2
        answer: {kind: survey}
bonus:
  max: 1
  items:
    - code: "B1"
      title: Sáng kiến CCHC
      max: 1
      answer: {kind: choice, options: [{id: co, label: Có, points: 1}, {id: khong, label: Không, points: 0}]}
penalty:
  max: 2
  items:
    - code: "P1"
      title: Sai phạm
      max: 2
      answer: {kind: choice, options: [{id: co, label: Có, points: 2}, {id: khong, label: Không, points: 0}]}
"""

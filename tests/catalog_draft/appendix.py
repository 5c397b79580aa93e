"""A realistic appendix (Phụ lục Bộ chỉ số cấp xã) written once, built as .docx, .xlsx and PDF.

The rows follow real appendices: STT | Lĩnh vực, tiêu chí, tiêu chí thành phần | Điểm tối đa |
Cách tính điểm | Tài liệu kiểm chứng, Roman grouping rows merged across the table, codes with
trailing dots, codes written in the title cell, Vietnamese decimals, a rule nobody can read, a
criterion (1.3) whose stated maximum (2,5) is not its sub-items' sum (2), a survey field, bonus
and penalty parts and the classification sentence under the table. ``EXPECTED`` is what a
person reading the appendix writes down: every leaf's kind and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

TITLE = "BỘ CHỈ SỐ ĐÁNH GIÁ, XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CỦA UBND CÁC XÃ, THỊ TRẤN NĂM 2024"
DECISION_LINE = "(Kèm theo Quyết định số 2024/QĐ-UBND ngày 15/12/2023 của UBND huyện Vân Canh)"
CLASSES = (
    "Xếp loại: Hoàn thành xuất sắc nhiệm vụ: đạt từ 90 điểm trở lên và không có lĩnh vực nào đạt "
    "dưới 80% số điểm tối đa của lĩnh vực, không bị điểm trừ; Hoàn thành tốt nhiệm vụ: từ 80 điểm "
    "đến dưới 90 điểm; Hoàn thành nhiệm vụ: từ 65 điểm đến dưới 80 điểm; Không hoàn thành nhiệm "
    "vụ: dưới 65 điểm."
)
HEADER = (
    "STT",
    "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Điểm tối đa",
    "Cách tính điểm",
    "Tài liệu kiểm chứng",
)


@dataclass(frozen=True)
class Row:
    code: str  # as written in the STT column ("1.", "1.1.1.", "I")
    title: str
    max: str  # as written ("0,5"); "" for grouping rows without points
    rule: str = ""
    evidence: str = ""
    kind: str = "item"  # item | group (merged across) | total
    in_title: bool = False  # the code is written at the start of the title cell instead


def G(code: str, title: str, max_: str = "") -> Row:
    return Row(code, title, max_, kind="group")


R = Row
ROWS: tuple[Row, ...] = (
    G("I", "ĐIỂM ĐÁNH GIÁ CÁC LĨNH VỰC"),
    R("1.", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "10"),
    R("1.1", "Kế hoạch cải cách hành chính", "2"),
    R(
        "1.1.1.",
        "Ban hành Kế hoạch CCHC năm 2024\n(có phụ lục phân công nhiệm vụ)",
        "1",
        "Ban hành trước ngày 31/12/2023: 1 điểm; Ban hành sau thời hạn: 0,5 điểm; Không ban hành: 0 điểm",
        "Kế hoạch CCHC năm 2024 của UBND xã",
    ),
    R(
        "1.1.2.",
        "Mức độ thực hiện Kế hoạch CCHC",
        "1",
        "Hoàn thành 100% kế hoạch: 1 điểm; Từ 80% đến dưới 100%: 0,5 điểm; Dưới 80%: 0 điểm",
        "Báo cáo kết quả thực hiện kế hoạch",
    ),
    R("1.2", "Báo cáo công tác CCHC", "1,5"),
    R(
        "1.2.1.",
        "Thực hiện chế độ báo cáo định kỳ",
        "1",
        "Gửi đầy đủ, đúng hạn các báo cáo: 1 điểm; mỗi báo cáo chậm hoặc không gửi trừ 0,25 điểm",
        "Các báo cáo quý, 6 tháng, năm",
    ),
    R(
        "1.2.2.",
        "Chất lượng báo cáo",
        "0,5",
        "Đầy đủ nội dung theo đề cương hướng dẫn: 0,5 điểm; Không đầy đủ: 0 điểm",
        "Báo cáo năm",
    ),
    R("1.3", "Kiểm tra công tác CCHC", "2,5"),
    R(
        "1.3.1.",
        "Ban hành kế hoạch kiểm tra CCHC",
        "0,5",
        "Có: 0,5 điểm; Không: 0 điểm",
        "Kế hoạch kiểm tra",
    ),
    R(
        "1.3.2.",
        "Tỷ lệ thôn, tổ dân phố được kiểm tra",
        "1",
        "Điểm đánh giá = Tỷ lệ % thôn được kiểm tra × 1",
        "Biên bản kiểm tra",
    ),
    R(
        "1.3.3.",
        "Xử lý tồn tại sau kiểm tra",
        "0,5",
        "100% tồn tại được xử lý: 0,5 điểm; Từ 70% đến dưới 100%: 0,25 điểm; Dưới 70%: 0 điểm. "
        "Không có tồn tại phải xử lý: điểm tối đa",
        "Báo cáo xử lý sau kiểm tra",
    ),
    R("1.4", "Tuyên truyền CCHC", "2"),
    R(
        "1.4.1.",
        "Kế hoạch tuyên truyền CCHC",
        "0,5",
        "Ban hành trước ngày 15/01: 0,5 điểm; Sau thời hạn hoặc không ban hành: 0 điểm",
        "Kế hoạch tuyên truyền",
    ),
    R(
        "1.4.2.",
        "Hình thức tuyên truyền",
        "1,5",
        "Thực hiện từ 3 hình thức trở lên: 1,5 điểm; 2 hình thức: 1 điểm; 1 hình thức: 0,5 điểm; "
        "Không thực hiện: 0 điểm",
        "Hình ảnh, tin bài",
    ),
    R("1.5", "Sáng kiến và nhiệm vụ được giao", "2,5"),
    R(
        "1.5.1.",
        "Mô hình, sáng kiến CCHC",
        "1,5",
        "Có từ 2 sáng kiến được công nhận trở lên: 1,5 điểm; Có 01 sáng kiến: 0,75 điểm; "
        "Không có: 0 điểm",
        "Quyết định công nhận sáng kiến",
    ),
    R(
        "1.5.2.",
        "Thực hiện nhiệm vụ UBND huyện giao",
        "1",
        "Hoàn thành đúng hạn 100% nhiệm vụ được giao: 1 điểm; Từ 90% đến dưới 100%: 0,5 điểm; "
        "Dưới 90%: 0",
        "Báo cáo của Văn phòng",
    ),
    R("2.", "CẢI CÁCH THỂ CHẾ", "8"),
    R("2.1", "Xây dựng, ban hành văn bản QPPL", "3"),
    R(
        "2.1.1.",
        "Ban hành văn bản đúng thẩm quyền, trình tự",
        "1,5",
        "Đúng quy định: 1,5 điểm; Không đúng quy định: 0 điểm",
        "Văn bản QPPL đã ban hành",
    ),
    R(
        "2.1.2.",
        "Số văn bản bị cơ quan có thẩm quyền kết luận trái pháp luật",
        "1,5",
        "Không có: 1,5 điểm; Có 01 văn bản: 0,75 điểm; Từ 02 văn bản trở lên: 0 điểm",
        "Kết luận kiểm tra",
    ),
    R("2.2", "Theo dõi thi hành pháp luật", "2"),
    R(
        "2.2.1.",
        "Kế hoạch theo dõi thi hành pháp luật",
        "0,75",
        "Ban hành kế hoạch: 0,75 điểm; Không ban hành: 0 điểm",
        "Kế hoạch theo dõi",
    ),
    R(
        "2.2.2.",
        "Tỷ lệ kiến nghị được xử lý",
        "1,25",
        "Điểm đánh giá = Tỷ lệ % kiến nghị được xử lý × 1,25. Không phát sinh kiến nghị: điểm tối đa",
        "Báo cáo theo dõi thi hành pháp luật",
    ),
    R("2.3", "Rà soát, kiểm tra văn bản", "3"),
    R(
        "2.3.1.",
        "Rà soát văn bản QPPL",
        "1",
        "Thực hiện đầy đủ: 1 điểm; Thực hiện không đầy đủ: 0,5 điểm; Không thực hiện: 0 điểm",
        "Báo cáo rà soát",
    ),
    R(
        "2.3.2.",
        "Xử lý văn bản sau rà soát",
        "1",
        "Xử lý 100% văn bản phát hiện: 1 điểm; Từ 50% đến dưới 100%: 0,5 điểm; Dưới 50%: 0 điểm",
        "Văn bản xử lý",
    ),
    R(
        "2.3.3.",
        "Tự kiểm tra văn bản",
        "1",
        "Mỗi văn bản không được tự kiểm tra trừ 0,5 điểm, tối đa trừ hết điểm của tiêu chí",
        "Sổ theo dõi kiểm tra văn bản",
    ),
    R("3.", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH VÀ THỰC HIỆN CƠ CHẾ MỘT CỬA", "14"),
    R("3.1", "Công khai thủ tục hành chính", "3"),
    R(
        "3.1.1.",
        "Tỷ lệ TTHC được công khai đầy đủ",
        "1,5",
        "100% TTHC được công khai: 1,5 điểm; Từ 90% đến dưới 100%: 1 điểm; Dưới 90%: 0 điểm",
        "Ảnh chụp nơi niêm yết",
    ),
    R(
        "3.1.2.",
        "Niêm yết địa chỉ tiếp nhận phản ánh, kiến nghị",
        "1,5",
        "Có niêm yết đúng quy định: 1,5 điểm; Không niêm yết: 0",
        "Ảnh chụp nơi niêm yết",
    ),
    R("3.2", "Giải quyết thủ tục hành chính", "6"),
    R(
        "3.2.1.",
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "3",
        "Điểm đánh giá = Tỷ lệ % hồ sơ giải quyết đúng hạn × 3",
        "Số liệu trên Hệ thống thông tin giải quyết TTHC",
    ),
    R(
        "3.2.2.",
        "Hồ sơ trễ hạn có văn bản xin lỗi",
        "1",
        "100% hồ sơ trễ hạn có văn bản xin lỗi: 1 điểm; Dưới 100%: 0 điểm; "
        "Không có hồ sơ trễ hạn: điểm tối đa",
        "Văn bản xin lỗi",
    ),
    R(
        "3.2.3.",
        "Tiếp nhận, xử lý phản ánh, kiến nghị",
        "1,25",
        "Xử lý 100% phản ánh, kiến nghị: 1,25 điểm\nXử lý từ 80% đến dưới 100%: 0,625 điểm\n"
        "Xử lý dưới 80%: 0 điểm",
        "Sổ theo dõi phản ánh",
    ),
    R(
        "3.2.4.",
        "Thanh toán trực tuyến phí, lệ phí",
        "0,75",
        "Thực hiện thanh toán trực tuyến: 0,75 điểm; Chưa thực hiện: 0 điểm",
        "Báo cáo",
    ),
    R("3.3", "Thực hiện cơ chế một cửa, một cửa liên thông", "5"),
    R(
        "3.3.1.",
        "Bộ phận Một cửa đúng quy định",
        "2",
        "Đạt: điểm tối đa; Không đạt: 0",
        "Quyết định thành lập Bộ phận Một cửa",
    ),
    R(
        "3.3.2.",
        "Ứng dụng CNTT tại Bộ phận Một cửa",
        "1,875",
        "Đúng quy định: 1,875 điểm; Không đúng quy định: 0 điểm",
        "Báo cáo",
    ),
    R(
        "3.3.3.",
        "Đánh giá cán bộ tại Bộ phận Một cửa",
        "1,125",
        "Hội đồng thẩm định căn cứ kết quả thực tế để xem xét, đánh giá",
        "Hồ sơ đánh giá",
    ),
    R("4", "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH", "7", in_title=True),
    R("4.1", "Thực hiện quy định về tổ chức bộ máy", "3", in_title=True),
    R(
        "4.1.1",
        "Sắp xếp tổ chức đúng quy định",
        "1,5",
        "Thực hiện đúng quy định: 1,5 điểm; Không đúng: 0 điểm",
        "Quyết định sắp xếp",
        in_title=True,
    ),
    R(
        "4.1.2",
        "Thực hiện quy chế làm việc",
        "1,5",
        "Có: 1,5 điểm; Không: 0 điểm",
        "Quy chế làm việc",
        in_title=True,
    ),
    R(
        "4.2",
        "Quản lý biên chế",
        "2",
        "Sử dụng biên chế không vượt số được giao: 2 điểm; Vượt số được giao: 0 điểm",
        "Báo cáo biên chế",
        in_title=True,
    ),
    R("4.3", "Thực hiện phân cấp quản lý", "2", in_title=True),
    R(
        "4.3.1",
        "Thực hiện nhiệm vụ được phân cấp",
        "1",
        "Mỗi nhiệm vụ không thực hiện đúng trừ 0,25 điểm",
        "Báo cáo",
        in_title=True,
    ),
    R(
        "4.3.2",
        "Kiểm tra việc thực hiện phân cấp",
        "1",
        "Có kiểm tra: 1 điểm; Không kiểm tra: 0 điểm",
        "Kế hoạch, báo cáo kiểm tra",
        in_title=True,
    ),
    R("5.", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "9"),
    R("5.1", "Vị trí việc làm", "2"),
    R(
        "5.1.1.",
        "Bố trí công chức theo vị trí việc làm",
        "1",
        "100% công chức bố trí đúng vị trí việc làm: 1 điểm; Từ 80% đến dưới 100%: 0,5 điểm; "
        "Dưới 80%: 0 điểm",
        "Danh sách công chức",
    ),
    R(
        "5.1.2.",
        "Tỷ lệ công chức đạt chuẩn",
        "1",
        "Điểm đánh giá = Tỷ lệ % công chức đạt chuẩn × 1",
        "Hồ sơ công chức",
    ),
    R("5.2", "Kỷ luật, kỷ cương hành chính", "3"),
    R(
        "5.2.1.",
        "Cán bộ, công chức bị kỷ luật",
        "1,5",
        "Không có cán bộ, công chức bị kỷ luật: 1,5 điểm; Có 01 trường hợp: 0,5 điểm; "
        "Từ 02 trường hợp trở lên: 0 điểm",
        "Quyết định kỷ luật",
    ),
    R(
        "5.2.2.",
        "Chấp hành kỷ luật, kỷ cương",
        "1,5",
        "Chấp hành nghiêm: 1,5 điểm; Có vi phạm: 0 điểm",
        "Báo cáo",
    ),
    R("5.3", "Đào tạo, bồi dưỡng", "4"),
    R(
        "5.3.1.",
        "Kế hoạch đào tạo, bồi dưỡng",
        "1",
        "Ban hành chậm nhất ngày 31/3/2024: 1 điểm; Sau ngày 31/3/2024: 0,5 điểm; "
        "Không ban hành: 0 điểm",
        "Kế hoạch đào tạo",
    ),
    R(
        "5.3.2.",
        "Thực hiện kế hoạch đào tạo",
        "3",
        "Đầy đủ nội dung theo kế hoạch: 2 điểm; Đúng thời gian quy định: 1 điểm",
        "Báo cáo kết quả đào tạo",
    ),
    R("6.", "CẢI CÁCH TÀI CHÍNH CÔNG", "6"),
    R("6.1", "Quản lý tài chính", "3"),
    R(
        "6.1.1.",
        "Quy chế chi tiêu nội bộ",
        "1",
        "Ban hành trước ngày 31/01/2024: 1 điểm; Sau thời hạn: 0,5 điểm",
        "Quy chế chi tiêu nội bộ",
    ),
    R(
        "6.1.2.",
        "Sai phạm trong quản lý tài chính",
        "2",
        "Mỗi sai phạm bị phát hiện trừ 0,5 điểm, trừ tối đa 1,5 điểm",
        "Kết luận thanh tra",
    ),
    R("6.2", "Thu ngân sách", "3"),
    R(
        "6.2.1.",
        "Tỷ lệ thu ngân sách so với dự toán",
        "1,5",
        "Đạt từ 100% dự toán trở lên: 1,5 điểm; Từ 90% đến dưới 100%: 1 điểm; Dưới 90%: 0,5 điểm",
        "Báo cáo quyết toán",
    ),
    R(
        "6.2.2.",
        "Công khai ngân sách",
        "1,5",
        "Công khai đầy đủ, đúng hạn: 1,5 điểm; Công khai không đầy đủ hoặc không đúng hạn: "
        "0,75 điểm; Không công khai: 0 điểm",
        "Văn bản công khai",
    ),
    R("7.", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "11"),
    R("7.1", "Hạ tầng công nghệ thông tin", "3"),
    R(
        "7.1.1.",
        "Tỷ lệ máy tính kết nối mạng",
        "1",
        "100%: 1 điểm; Từ 80% đến dưới 100%: 0,5 điểm; Dưới 80%: 0",
        "Báo cáo hạ tầng",
    ),
    R(
        "7.1.2.",
        "Sử dụng chữ ký số",
        "2",
        "Điểm = Tỷ lệ % văn bản đi được ký số × 2",
        "Số liệu hệ thống quản lý văn bản",
    ),
    R("7.2", "Dịch vụ công trực tuyến", "5"),
    R(
        "7.2.1.",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "2,5",
        "Từ 80% trở lên: 2,5 điểm; Từ 50% đến dưới 80%: 1,25 điểm; Dưới 50%: 0 điểm",
        "Số liệu Cổng dịch vụ công",
    ),
    R(
        "7.2.2.",
        "Trang thông tin điện tử",
        "2,5",
        "Cập nhật thường xuyên, đầy đủ: 2,5 điểm; Cập nhật không thường xuyên: 1,25 điểm; "
        "Không có trang thông tin: 0 điểm",
        "Đường dẫn trang thông tin",
    ),
    R("7.3", "An toàn thông tin", "3"),
    R(
        "7.3.1.",
        "Sự cố mất an toàn thông tin",
        "1,5",
        "Không để xảy ra sự cố: 1,5 điểm; Có 01 sự cố: 0,5 điểm; Từ 02 sự cố trở lên: 0 điểm",
        "Báo cáo an toàn thông tin",
    ),
    R(
        "7.3.2.",
        "Sử dụng phần mềm quản lý văn bản",
        "1,5",
        "Sử dụng 100% văn bản điện tử: 1,5 điểm; Dưới 100%: 0,75 điểm",
        "Số liệu phần mềm",
    ),
    R("8.", "TÁC ĐỘNG CỦA CCHC ĐẾN NGƯỜI DÂN, TỔ CHỨC (ĐÁNH GIÁ QUA ĐIỀU TRA XÃ HỘI HỌC)", "35"),
    R("8.1", "Sự hài lòng về giải quyết TTHC", "15", "Điểm đánh giá qua điều tra xã hội học", ""),
    R("8.2", "Sự hài lòng về thái độ phục vụ", "10", "Theo kết quả khảo sát người dân", ""),
    R("8.3", "Tác động đến phát triển kinh tế - xã hội", "10"),
    R("8.3.1.", "Thu hút đầu tư trên địa bàn", "5", "Tỷ lệ người trả lời đánh giá tốt × 5", ""),
    R("8.3.2.", "Môi trường kinh doanh", "5", "", ""),
    R("", "Tổng cộng", "100", kind="total"),
    G("II", "ĐIỂM THƯỞNG (ngoài thang điểm)", "2"),
    R(
        "1",
        "Sáng kiến CCHC được cấp tỉnh công nhận",
        "1",
        "Mỗi sáng kiến được công nhận cộng 0,5 điểm, tối đa 1 điểm",
        "Quyết định công nhận",
    ),
    R(
        "2",
        "Được khen thưởng về công tác CCHC",
        "1",
        "Được UBND tỉnh khen thưởng: cộng 1 điểm; Không được khen thưởng: 0 điểm",
        "Quyết định khen thưởng",
    ),
    G("III", "ĐIỂM TRỪ", "3"),
    R(
        "1",
        "Bị cấp trên phê bình, nhắc nhở về CCHC",
        "1",
        "Mỗi lần bị phê bình trừ 0,5 điểm",
        "Văn bản phê bình",
    ),
    R(
        "2",
        "Người đứng đầu bị kỷ luật do vi phạm về CCHC",
        "2",
        "Người đứng đầu bị kỷ luật: trừ 2 điểm; Không: 0 điểm",
        "Quyết định kỷ luật",
    ),
)
# The row whose rule runs over a page break in the PDF, and where it breaks.
SPLIT_CODE = "3.2.3."
SPLIT_AT = "Xử lý từ 80%"


def C(*pairs: tuple[str, str]) -> list[dict]:
    return [{"id": i, "points": D(p)} for i, p in pairs]


# What a person reading the appendix writes down: kind and numbers of every leaf.
EXPECTED: dict[str, dict] = {
    "1.1.1": {"kind": "date", "max": D("1"), "deadline": date(2023, 12, 31), "late": D("0.5")},
    "1.1.2": {"kind": "ratio", "max": D("1"), "bands": [(100, "1"), (80, "0.5"), (0, "0")]},
    "1.2.1": {"kind": "deduction", "max": D("1"), "per": D("0.25"), "cap": None},
    "1.2.2": {"kind": "choice", "max": D("0.5"), "points": ["0.5", "0"]},
    "1.3.1": {"kind": "choice", "max": D("0.5"), "points": ["0.5", "0"]},
    "1.3.2": {"kind": "proportional", "max": D("1")},
    "1.3.3": {
        "kind": "ratio",
        "max": D("0.5"),
        "bands": [(100, "0.5"), (70, "0.25"), (0, "0")],
        "zero_denominator": "full",
    },
    "1.4.1": {"kind": "date", "max": D("0.5"), "deadline": date(2024, 1, 15), "late": D("0")},
    "1.4.2": {
        "kind": "number",
        "max": D("1.5"),
        "bands": [(3, "1.5"), (2, "1"), (1, "0.5"), (0, "0")],
    },
    "1.5.1": {"kind": "number", "max": D("1.5"), "bands": [(2, "1.5"), (1, "0.75"), (0, "0")]},
    "1.5.2": {"kind": "ratio", "max": D("1"), "bands": [(100, "1"), (90, "0.5"), (0, "0")]},
    "2.1.1": {"kind": "choice", "max": D("1.5"), "points": ["1.5", "0"]},
    "2.1.2": {"kind": "number", "max": D("1.5"), "bands": [(2, "0"), (1, "0.75"), (0, "1.5")]},
    "2.2.1": {"kind": "choice", "max": D("0.75"), "points": ["0.75", "0"]},
    "2.2.2": {"kind": "proportional", "max": D("1.25"), "zero_denominator": "full"},
    "2.3.1": {"kind": "choice", "max": D("1"), "points": ["1", "0.5", "0"]},
    "2.3.2": {"kind": "ratio", "max": D("1"), "bands": [(100, "1"), (50, "0.5"), (0, "0")]},
    "2.3.3": {"kind": "deduction", "max": D("1"), "per": D("0.5"), "cap": None},
    "3.1.1": {"kind": "ratio", "max": D("1.5"), "bands": [(100, "1.5"), (90, "1"), (0, "0")]},
    "3.1.2": {"kind": "choice", "max": D("1.5"), "points": ["1.5", "0"]},
    "3.2.1": {"kind": "proportional", "max": D("3")},
    "3.2.2": {
        "kind": "ratio",
        "max": D("1"),
        "bands": [(100, "1"), (0, "0")],
        "zero_denominator": "full",
    },
    "3.2.3": {"kind": "ratio", "max": D("1.25"), "bands": [(100, "1.25"), (80, "0.625"), (0, "0")]},
    "3.2.4": {"kind": "choice", "max": D("0.75"), "points": ["0.75", "0"]},
    "3.3.1": {"kind": "choice", "max": D("2"), "points": ["2", "0"]},
    "3.3.2": {"kind": "choice", "max": D("1.875"), "points": ["1.875", "0"]},
    "3.3.3": {"kind": "manual", "max": D("1.125")},
    "4.1.1": {"kind": "choice", "max": D("1.5"), "points": ["1.5", "0"]},
    "4.1.2": {"kind": "choice", "max": D("1.5"), "points": ["1.5", "0"]},
    "4.2": {"kind": "choice", "max": D("2"), "points": ["2", "0"]},
    "4.3.1": {"kind": "deduction", "max": D("1"), "per": D("0.25"), "cap": None},
    "4.3.2": {"kind": "choice", "max": D("1"), "points": ["1", "0"]},
    "5.1.1": {"kind": "ratio", "max": D("1"), "bands": [(100, "1"), (80, "0.5"), (0, "0")]},
    "5.1.2": {"kind": "proportional", "max": D("1")},
    "5.2.1": {"kind": "number", "max": D("1.5"), "bands": [(2, "0"), (1, "0.5"), (0, "1.5")]},
    "5.2.2": {"kind": "choice", "max": D("1.5"), "points": ["1.5", "0"]},
    "5.3.1": {"kind": "date", "max": D("1"), "deadline": date(2024, 3, 31), "late": D("0.5")},
    "5.3.2": {"kind": "manual", "max": D("3")},
    "6.1.1": {"kind": "date", "max": D("1"), "deadline": date(2024, 1, 31), "late": D("0.5")},
    "6.1.2": {"kind": "deduction", "max": D("2"), "per": D("0.5"), "cap": D("1.5")},
    "6.2.1": {"kind": "ratio", "max": D("1.5"), "bands": [(100, "1.5"), (90, "1"), (0, "0.5")]},
    "6.2.2": {"kind": "choice", "max": D("1.5"), "points": ["1.5", "0.75", "0"]},
    "7.1.1": {"kind": "ratio", "max": D("1"), "bands": [(100, "1"), (80, "0.5"), (0, "0")]},
    "7.1.2": {"kind": "proportional", "max": D("2")},
    "7.2.1": {"kind": "ratio", "max": D("2.5"), "bands": [(80, "2.5"), (50, "1.25"), (0, "0")]},
    "7.2.2": {"kind": "choice", "max": D("2.5"), "points": ["2.5", "1.25", "0"]},
    "7.3.1": {"kind": "number", "max": D("1.5"), "bands": [(2, "0"), (1, "0.5"), (0, "1.5")]},
    "7.3.2": {"kind": "ratio", "max": D("1.5"), "bands": [(100, "1.5"), (0, "0.75")]},
    "8.1": {"kind": "survey", "max": D("15")},
    "8.2": {"kind": "survey", "max": D("10")},
    "8.3.1": {"kind": "survey", "max": D("5")},
    "8.3.2": {"kind": "survey", "max": D("5")},
    "T1": {"kind": "number", "max": D("1"), "bands": [(2, "1"), (1, "0.5"), (0, "0")]},
    "T2": {"kind": "choice", "max": D("1"), "points": ["1", "0"]},
    "TR1": {"kind": "number", "max": D("1"), "bands": [(2, "1"), (1, "0.5"), (0, "0")]},
    "TR2": {"kind": "choice", "max": D("2"), "points": ["2", "0"]},
}
FIELD_MAX = {
    "1": D(10),
    "2": D(8),
    "3": D(14),
    "4": D(7),
    "5": D(9),
    "6": D(6),
    "7": D(11),
    "8": D(35),
}
INNER_MAX = {
    "1.1": D(2),
    "1.2": D("1.5"),
    "1.3": D(2),
    "1.4": D(2),
    "1.5": D("2.5"),
    "2.1": D(3),
    "2.2": D(2),
    "2.3": D(3),
    "3.1": D(3),
    "3.2": D(6),
    "3.3": D(5),
    "4.1": D(3),
    "4.3": D(2),
    "5.1": D(2),
    "5.2": D(3),
    "5.3": D(4),
    "6.1": D(3),
    "6.2": D(3),
    "7.1": D(3),
    "7.2": D(5),
    "7.3": D(3),
    "8.3": D(10),
}
# exactly what a person must check, and why (the msgid's key words)
REVIEW = {
    "1.3": "add up to",  # stated 2,5, sub-items 2
    "1.4.1": "no year",  # "trước ngày 15/01": the year is the assessment year
    "3.3.3": "could not be read",
    "5.3.2": "adds up separate parts",
}
CLASSIFICATION = [
    {
        "label": "Hoàn thành xuất sắc nhiệm vụ",
        "min_index": D(90),
        "min_field_pct": D(80),
        "max_penalty": D(0),
    },
    {"label": "Hoàn thành tốt nhiệm vụ", "min_index": D(80)},
    {"label": "Hoàn thành nhiệm vụ", "min_index": D(65)},
    {"label": "Không hoàn thành nhiệm vụ"},
]

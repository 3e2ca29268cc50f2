"""What the custom actions say themselves (everything else comes from kiosk_api or the domain's responses).

Kept here rather than as domain responses that only actions use: `rasa data validate --fail-on-warnings`
requires every domain response to appear in a story or rule.
"""

from __future__ import annotations

from motcua.vocabulary import Satisfaction

Button = dict[str, str]

OFFICER_BUTTON: Button = {"title": "Gặp cán bộ", "payload": "/request_officer"}
MENU_BUTTON: Button = {"title": "Các việc tôi giúp được", "payload": "/help"}

ANYTHING_ELSE = "Dạ. Ông/bà cần hỏi gì thêm cứ nhắn cho tôi ạ."

LOST = (
    "Xin lỗi, tôi chưa hiểu rõ ông/bà hỏi về thủ tục nào. Ông/bà có thể nói rõ tên thủ tục (ví dụ: «đăng ký khai "
    "sinh», «chứng thực bản sao»), xem danh sách thủ tục thường gặp, hoặc gặp cán bộ để được hướng dẫn trực tiếp."
)
LOST_BUTTONS: list[Button] = [OFFICER_BUTTON, MENU_BUTTON]

ONE_CANDIDATE = "Có phải ông/bà hỏi về thủ tục «{name}»?"
SEVERAL_CANDIDATES = "Có phải ông/bà hỏi về một trong các thủ tục dưới đây? Xin ông/bà bấm chọn đúng thủ tục:"
NOT_THESE_BUTTON: Button = {"title": "Không phải các thủ tục trên", "payload": "/deny"}
CHOOSE_CANDIDATE = "Ông/bà vui lòng bấm chọn đúng thủ tục trong danh sách ở trên, hoặc nói rõ tên thủ tục cần hỏi."
CANDIDATES_REJECTED = (
    "Dạ, xin lỗi ông/bà. Ông/bà vui lòng nói rõ hơn tên thủ tục hoặc việc cần làm (ví dụ: «làm giấy khai sinh "
    "cho con»), hoặc gặp cán bộ để được hướng dẫn trực tiếp."
)

SERVICE_UNAVAILABLE = (
    "Xin lỗi, hệ thống tra cứu của xã đang tạm gián đoạn nên tôi chưa trả lời được. Ông/bà vui lòng thử lại sau "
    "ít phút, hoặc đến quầy tiếp nhận hồ sơ để cán bộ hỗ trợ trực tiếp."
)
OFFICER_OFFLINE = (
    "Xin lỗi, hiện tôi chưa gửi được yêu cầu tới cán bộ. Ông/bà vui lòng đến quầy tiếp nhận hồ sơ "
    "của xã, cán bộ sẽ hỗ trợ trực tiếp."
)

ASK_DOSSIER_CODE = (
    "Ông/bà vui lòng nhập mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả (ví dụ: 000.00.06.H56-231027-0361)."
)
ASK_DOSSIER_CODE_FIRST = (
    "Để tra cứu, ông/bà vui lòng nhập mã hồ sơ trước (in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả), sau đó "
    "là 4 số cuối số điện thoại đã đăng ký khi nộp hồ sơ."
)

ASK_SATISFACTION = "Ông/bà có hài lòng với việc tiếp nhận và giải quyết thủ tục hành chính không? Xin chọn một mức:"
SATISFACTION_BUTTONS: list[Button] = [
    {"title": title, "payload": f'/inform_satisfaction{{"satisfaction": "{level.value}"}}'}
    for level, title in (
        (Satisfaction.VERY_SATISFIED, "Rất hài lòng"),
        (Satisfaction.SATISFIED, "Hài lòng"),
        (Satisfaction.NEUTRAL, "Bình thường"),
        (Satisfaction.DISSATISFIED, "Không hài lòng"),
    )
]
NO_COMMENT_TITLE = "Không có góp ý"
ASK_RATING_COMMENT = (
    "Ông/bà có góp ý gì thêm để chúng tôi phục vụ tốt hơn không? Xin gõ góp ý, hoặc bấm «Không có góp ý»."
)
RATING_CANCELLED = "Dạ, ông/bà có thể đánh giá vào lúc khác. Cảm ơn ông/bà."
RATING_FAILED = (
    "Xin lỗi, hệ thống chưa ghi nhận được đánh giá của ông/bà. Ông/bà vui lòng thử lại sau ít phút hoặc đánh giá "
    "trên phiếu tại quầy tiếp nhận hồ sơ."
)

ASK_PETITION_CONTENT = (
    "Xin ông/bà cho biết nội dung phản ánh, kiến nghị: việc gì, ở đâu, từ khi nào. Nếu không muốn gửi nữa, "
    "ông/bà gõ «thôi»."
)
OUT_OF_SCOPE = (
    "Xin lỗi, tôi chỉ hỗ trợ các việc tại nơi tiếp nhận hồ sơ của xã: thủ tục hành chính (giấy tờ, lệ phí, thời "
    "gian, nơi nộp), tra cứu hồ sơ, đánh giá và góp ý. Câu hỏi này nằm ngoài phạm vi tôi hỗ trợ; nếu cần, ông/bà có "
    "thể gặp cán bộ tại quầy."
)
CONFIRM_PETITION = (
    "Ông/bà xác nhận gửi {kind} với nội dung sau không?\n«{content}»\nChỉ khi ông/bà chọn «Gửi», nội dung mới được "
    "ghi nhận và chuyển cán bộ xem xét."
)
CONFIRM_PETITION_BUTTONS: list[Button] = [
    {"title": "Gửi", "payload": "/affirm"},
    {"title": "Không gửi", "payload": "/deny"},
]
PETITION_CANCELLED = "Dạ, tôi chưa gửi phản ánh, kiến nghị nào. Khi cần, ông/bà cứ nhắn «phản ánh» hoặc «kiến nghị»."
PETITION_FAILED = (
    "Xin lỗi, hệ thống chưa nhận được phản ánh, kiến nghị của ông/bà. Ông/bà vui lòng thử lại sau ít phút, hoặc "
    "gửi trực tiếp tại quầy tiếp nhận hồ sơ."
)

NOT_UNDERSTOOD = "Xin lỗi, tôi chưa hiểu ý ông/bà. Ông/bà có thể hỏi lại ngắn gọn hơn, hoặc gặp cán bộ để được hỗ trợ."

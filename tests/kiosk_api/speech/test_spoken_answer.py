"""An answer rendered for the ear (domain.spoken_answer) and the speech API that serves it, slower on request."""

from __future__ import annotations

import io
import wave

from kiosk_api.domain.spoken_answer import REST_OF_ANSWER, REST_OF_PAPERS, for_the_ear

PAPERS = """Thủ tục Đăng ký khai sinh — giấy tờ cần chuẩn bị:
1. Tờ khai đăng ký khai sinh (bản chính, theo mẫu)
2. Giấy chứng sinh do cơ sở y tế cấp
3. Giấy tờ tùy thân của người đi đăng ký
4. Giấy tờ chứng minh nơi cư trú
• Lệ phí: miễn phí"""


def test_a_list_is_read_with_ordinals_three_items_at_most_then_where_the_rest_is():
    assert for_the_ear(PAPERS) == [
        "Thủ tục Đăng ký khai sinh — giấy tờ cần chuẩn bị:",
        "Thứ nhất, tờ khai đăng ký khai sinh.",
        "Thứ hai, giấy chứng sinh do cơ sở y tế cấp.",
        "Thứ ba, giấy tờ tùy thân của người đi đăng ký.",
        REST_OF_PAPERS,
        "Lệ phí: miễn phí.",  # a bullet of the card is a sentence of its own
    ]


def test_the_direct_answer_comes_first_in_short_sentences_without_legal_references():
    text = "Có. Công dân từ đủ 14 tuổi phải làm thẻ căn cước. (Căn cứ: Điều 19 Luật Căn cước 2023.)\nThủ tục Cấp thẻ"
    assert for_the_ear(text) == ["Có.", "Công dân từ đủ 14 tuổi phải làm thẻ căn cước.", "Thủ tục Cấp thẻ."]


def test_a_long_answer_stops_at_about_25_seconds_and_says_the_rest_is_on_the_screen():
    long = " ".join(f"Câu thứ {n} của câu trả lời dài có mười từ." for n in range(20))
    spoken = for_the_ear(long)
    assert spoken[-1] == REST_OF_ANSWER
    assert sum(len(s.split()) for s in spoken[:-1]) <= 70
    assert for_the_ear("Một câu rất dài " * 40)[0].startswith("Một câu")  # the first sentence is always read


def test_the_script_api_and_slower_speech(client):
    script = client.post("/api/speech/script", json={"text": PAPERS})
    assert script.status_code == 200 and script.json()["sentences"][1] == "Thứ nhất, tờ khai đăng ký khai sinh."
    assert client.post("/api/speech/script", json={"text": "  …  "}).status_code == 422
    seconds = []
    for slow in (False, True):
        answer = client.post("/api/speech/synthesize", json={"text": "Hồ sơ của ông bà đã có kết quả.", "slow": slow})
        assert answer.status_code == 200 and answer.headers["x-speech-cache"] == "miss"
        with wave.open(io.BytesIO(answer.content)) as w:
            seconds.append(w.getnframes() / w.getframerate())
    assert seconds[1] > seconds[0] * 1.15  # slower is longer, and cached apart from the usual pace

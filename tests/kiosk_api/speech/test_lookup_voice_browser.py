"""The lookup keypad's microphone in real headless Chromium: a real Vietnamese clip that says a number ("… thế kỷ
19 …") is fed as the microphone, recognised by viet-asr, turned into digits by the server's one rule
(/api/speech/digits) and shown in the code field with the words heard, for the citizen to check before looking up."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.kiosk_api.speech.test_speech_clips import clips, fake_microphone
from tests.support.browser import CHROMIUM_FLAGS, chromium_path, save_screenshot

NUMBER_CLIP = 4  # clip-5: "Đến cuối thế kỷ 19, ngành đánh bắt cá được thương mại hóa." (a man's voice, 4 s)


def test_the_number_said_fills_the_code_field_and_is_shown_to_check(tmp_path, server_url):
    clip = clips()[NUMBER_CLIP]
    assert "19" in clip.transcript
    args = [*CHROMIUM_FLAGS, *fake_microphone(clip, tmp_path)]

    def run():
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=args)
            context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="vi-VN")
            context.grant_permissions(["microphone"], origin=server_url)
            pg = context.new_page()
            errors: list[str] = []
            pg.on("pageerror", lambda e: errors.append(str(e)))
            digits_asked = []
            pg.on("request", lambda r: digits_asked.append(r.post_data_json) if "/api/speech/digits" in r.url else None)
            pg.goto(f"{server_url}/kiosk")
            expect(pg.locator("body")).to_have_attribute("data-ready", "1")
            pg.get_by_role("button", name="Tra cứu hồ sơ", exact=True).click()
            expect(pg.locator("body")).to_have_attribute("data-view", "lookup")
            mic = pg.locator("#lookup-form .btn-mic")
            expect(mic).to_be_visible(timeout=20000)  # shown once the recogniser answers the status
            mic.click()
            expect(pg.locator("#lookup-heard")).to_contain_text("Đang nghe", timeout=20000)
            pg.wait_for_timeout(5500)  # the clip: 0.5 s silence, about 4 s of speech, 0.5 s silence
            mic.click()
            heard = pg.locator("#lookup-heard")
            expect(heard).to_contain_text("Đã nghe", timeout=30000)
            save_screenshot(pg, "kiosk-lookup-voice")
            out = pg.locator("#lookup-code").input_value(), heard.inner_text(), digits_asked, errors
            browser.close()
            return out

    with ThreadPoolExecutor(max_workers=1) as executor:  # Playwright's sync API in a thread of its own
        code, heard, asked, errors = executor.submit(run).result()
    assert not errors, errors
    assert len(asked) == 1 and asked[0]["text"]  # what viet-asr heard went to the server's digit rule
    assert code.replace("-", "") == "19", (code, heard)
    assert "1 9" in heard and "kiểm tra" in heard, heard

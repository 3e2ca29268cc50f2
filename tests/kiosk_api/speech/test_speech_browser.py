"""speech.js in real headless Chromium: a real Vietnamese clip is fed as the microphone
(--use-file-for-fake-audio-capture), captured with the Web Audio API, streamed to the WebSocket (partials),
recognised by viet-asr; the WAV fallback when the WebSocket is unavailable; reading aloud sentence by sentence."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from kiosk_api.domain.speech_text import word_error_rate
from tests.kiosk_api.speech.test_speech_clips import clips, fake_microphone
from tests.support.browser import CHROMIUM_FLAGS, chromium_path, save_screenshot, wait_for

CLIP = 1  # a Northern female voice, 3 s


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium with the clip as its microphone. Playwright runs in a thread of its own (its sync API allows one
    instance per thread), so this module does not depend on the order of the other browser modules."""
    args = [*CHROMIUM_FLAGS, *fake_microphone(clips()[CLIP], tmp_path_factory.mktemp("mic"))]
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech-browser")

    def start():
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        return pw, pw.chromium.launch(executable_path=chromium_path(), args=args)

    pw, b = executor.submit(start).result()
    yield executor, b
    executor.submit(lambda: (b.close(), pw.stop())).result()
    executor.shutdown()


def in_page(browser, server_url: str, body: Callable):
    """Run `body(page)` on the speech test page, in the browser's thread; page errors fail the test."""
    executor, b = browser

    def run():
        context = b.new_context(viewport={"width": 1080, "height": 1920}, locale="vi-VN")
        context.grant_permissions(["microphone"], origin=server_url)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        try:
            pg.goto(f"{server_url}/static/speech/test.html")
            wait_for(pg, "window.speechReady === true", timeout=15000)
            result = body(pg)
        finally:
            context.close()
        assert not errors, errors
        return result

    return executor.submit(run).result()


def test_push_to_talk_streams_partials_and_shows_the_text_to_confirm(browser, server_url):
    def body(pg):
        assert "viet-asr" in pg.locator("#status").inner_text()
        talk, stop = pg.get_by_role("button", name="Bấm để nói"), pg.get_by_role("button", name="Nói xong")
        assert talk.is_enabled()
        ws_frames: list[int] = []
        pg.on("websocket", lambda ws: ws.on("framesent", lambda payload: ws_frames.append(len(payload))))
        talk.click()
        wait_for(pg, "document.getElementById('partial').textContent.length > 0", timeout=20000)
        pg.wait_for_timeout(4000)  # the clip: 0.5 s silence, 3 s speech, 0.5 s silence
        stop.click()
        wait_for(pg, "document.getElementById('final').value.length > 0", timeout=20000)
        save_screenshot(pg, "speech-test-page")
        return pg.locator("#partial").inner_text(), pg.locator("#final").input_value(), len(ws_frames)

    partial, final, frames = in_page(browser, server_url, body)
    transcript = clips()[CLIP].transcript
    print(f"\nbrowser → viet-asr: {final!r} (WER {word_error_rate(transcript, final):.2f})")
    assert word_error_rate(transcript, final) <= 0.35
    assert partial  # partial text was shown while speaking
    assert frames >= 10  # PCM streamed while speaking, not sent at the end


def test_without_the_websocket_the_recording_is_sent_as_wav(browser, server_url):
    def body(pg):
        pg.route_web_socket("**/api/speech/stream*", lambda ws: ws.close())
        uploads = []
        pg.on("request", lambda r: uploads.append(r.headers) if r.url.endswith("/api/speech/recognize") else None)
        result = pg.evaluate(
            """async () => {
                const m = await import('/static/speech/speech.js');
                const info = await m.startRecording(() => {});
                await new Promise((r) => setTimeout(r, 4500));
                return { info, result: await m.stopRecording() };
            }"""
        )
        return result, uploads

    result, uploads = in_page(browser, server_url, body)
    assert result["info"]["streaming"] is False
    assert len(uploads) == 1 and uploads[0]["content-type"] == "audio/wav"
    assert word_error_rate(clips()[CLIP].transcript, result["result"]["text"]) <= 0.35


def test_speak_reads_sentence_by_sentence_and_can_be_stopped(browser, server_url):
    def body(pg):
        answers = []
        asked = []
        pg.on(
            "response",
            lambda r: (
                answers.append((r.status, r.headers["content-type"]))
                if r.url.endswith("/api/speech/synthesize")
                else None
            ),
        )
        pg.on("request", lambda r: asked.append((r.url.rsplit("/", 1)[-1], r.post_data_json)))
        took = pg.evaluate(
            """async () => {
                const m = await import('/static/speech/speech.js');
                const t0 = performance.now();
                await m.speak('Lệ phí là 8.000 đồng. Hẹn trả ngày 24/11/2026.', { voice: 'south' });
                const whole = performance.now() - t0;
                const p = m.speak('Thủ tục này cần mang theo căn cước công dân. Ông bà nộp tại Bộ phận Một cửa.');
                await new Promise((r) => setTimeout(r, 300));
                m.stopSpeaking();
                await p;
                return whole;
            }"""
        )
        split = pg.evaluate("import('/static/speech/speech.js').then((m) => m.splitForSpeech('Một. Hai!\\nBa'))")
        # slower, and a list read for the ear: "Thứ nhất, …" as the server renders it
        slow_took = pg.evaluate(
            """async () => {
                const m = await import('/static/speech/speech.js');
                const t0 = performance.now();
                await m.speak('Giấy tờ cần mang:\\n1. Căn cước\\n2. Tờ khai', { slow: true });
                return performance.now() - t0;
            }"""
        )
        return took, answers, split, asked, slow_took

    took, answers, split, asked, slow_took = in_page(browser, server_url, body)
    assert answers[:2] == [(200, "audio/wav"), (200, "audio/wav")]
    read = [(path, data) for path, data in asked if path in ("script", "synthesize")]
    assert read[-4:] == [
        ("script", {"text": "Giấy tờ cần mang:\n1. Căn cước\n2. Tờ khai"}),
        ("synthesize", {"text": "Giấy tờ cần mang:", "slow": True}),
        ("synthesize", {"text": "Thứ nhất, căn cước.", "slow": True}),
        ("synthesize", {"text": "Thứ hai, tờ khai.", "slow": True}),
    ]
    assert slow_took > 1500
    assert took > 2000  # it returned only after both sentences had played
    assert split == ["Một.", "Hai!", "Ba"]

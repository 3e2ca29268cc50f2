// The assistant panel: POST /api/chat with reply buttons, "Đọc to" and push-to-talk when speech is available.
// When Rasa is down the server answers from the catalogue (source "fallback"): the panel says so plainly.
import { currentSession, requestJson, setConversation } from "./api.js";
import * as voice from "./voice.js";

const BOT_DOWN =
  "Trợ lý tự động đang tạm gián đoạn: câu trả lời được tra trực tiếp từ danh mục thủ tục. " +
  "Ông/bà vẫn tìm thủ tục, xem giấy tờ, lệ phí và tra cứu hồ sơ bình thường.";
const CONFIRM_SPEECH = "Ông/bà xem lại câu hỏi, sửa nếu cần, rồi bấm «Gửi».";
const NOT_HEARD = "Chưa nghe rõ. Ông/bà bấm «Bấm để nói» và nói lại, hoặc gõ câu hỏi.";
const MIC_IDLE = "Bấm để nói";
const MIC_ACTIVE = "Nói xong, bấm để dừng";
// Payloads the kiosk handles with its own screens instead of the conversation.
const SCREENS = { "/lookup_dossier": "lookup", "/rate_service": "rating", "/request_officer": "officer" };

export function createChat({ menu, onScreen }) {
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const status = document.getElementById("chat-status");
  const hint = document.getElementById("mic-hint");
  const autoRead = document.getElementById("autoread");
  let started = false;
  let busy = false;

  function bubble(kind, text) {
    const div = document.createElement("div");
    div.className = `msg msg-${kind}`;
    const p = document.createElement("p");
    p.textContent = text;
    div.append(p);
    log.append(div);
    div.scrollIntoView({ block: "end" });
    return div;
  }

  function botReply(reply) {
    const div = bubble("bot", reply.text || "");
    if (reply.buttons && reply.buttons.length) {
      const row = document.createElement("div");
      row.className = "msg-buttons";
      for (const b of reply.buttons) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn";
        button.textContent = b.title;
        button.addEventListener("click", () => choose(b));
        row.append(button);
      }
      div.append(row);
    }
    if (voice.canSpeak() && reply.text) {
      const speak = document.createElement("button");
      speak.type = "button";
      speak.className = "btn btn-speak";
      speak.innerHTML = '<svg class="icon" aria-hidden="true"><use href="#i-speaker"/></svg>';
      speak.append("Đọc to");
      speak.addEventListener("click", () => voice.speak(reply.text));
      // For a listener who could not follow: the same answer again, at three quarters of the pace.
      const slower = document.createElement("button");
      slower.type = "button";
      slower.className = "btn btn-speak";
      slower.textContent = "Đọc chậm hơn";
      slower.addEventListener("click", () => voice.speak(reply.text, { slow: true }));
      div.append(speak, slower);
    }
    return div;
  }

  function choose(button) {
    const screen = SCREENS[button.payload];
    if (screen) {
      onScreen(screen);
      return;
    }
    send(button.payload, button.title);
  }

  async function send(message, shown = message) {
    message = message.trim();
    if (!message || busy) return;
    busy = true;
    voice.stopSpeaking();
    bubble("user", shown);
    const typing = bubble("bot", "Trợ lý đang trả lời…");
    typing.classList.add("typing");
    typing.setAttribute("aria-hidden", "true");
    try {
      const answer = await requestJson("/api/chat", {
        method: "POST",
        body: { sender_id: currentSession().sender || undefined, message, channel: "kiosk" },
        timeout: 30000,
      });
      setConversation(answer.sender_id);
      typing.remove();
      if (answer.source === "fallback") {
        status.textContent = BOT_DOWN;
        status.hidden = false;
      } else {
        status.hidden = true;
      }
      const replies = answer.replies || [];
      replies.forEach(botReply);
      if (autoRead.checked && replies.length) voice.speak(replies.map((r) => r.text).join("\n"));
    } catch (error) {
      typing.remove();
      bubble("error", error.message);
    } finally {
      busy = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    hint.textContent = "";
    send(text);
  });

  return {
    open(question) {
      if (!started) {
        started = true;
        botReply(menu);
      }
      if (question) send(question);
    },
    send,
    reset() {
      log.replaceChildren();
      input.value = "";
      hint.textContent = "";
      status.hidden = true;
      status.textContent = "";
      autoRead.checked = false;
      started = false;
      busy = false;
    },
    hints: { CONFIRM_SPEECH, NOT_HEARD, MIC_IDLE, MIC_ACTIVE },
  };
}

/**
 * Push-to-talk on a button: first tap records, second tap stops; the text goes into `input` to be checked. With
 * `convert` (the lookup keypad), what was heard is turned into the field's value
 * (async; "" when nothing fits) and shown in `hint` for the citizen to check, and partial words are not typed.
 */
export function bindMic(button, input, hint, { convert = null, confirm = CONFIRM_SPEECH, notHeard = NOT_HEARD } = {}) {
  const label = () => button.lastChild;
  let pending = false;
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", async () => {
    if (pending) return;
    if (!voice.isRecording()) {
      pending = true;
      label().textContent = "Đang mở micro…";
      const ok = await voice.startRecording((partial) => {
        if (partial && !convert) input.value = partial;
      });
      pending = false;
      if (!ok) {
        label().textContent = MIC_IDLE;
        if (hint) hint.textContent = "Micro đang không dùng được. Ông/bà vui lòng gõ câu hỏi.";
        return;
      }
      button.classList.add("recording");
      button.setAttribute("aria-pressed", "true");
      label().textContent = MIC_ACTIVE;
      if (hint) hint.textContent = "Đang nghe… Ông/bà nói xong thì bấm nút micro lần nữa.";
      return;
    }
    pending = true;
    button.classList.remove("recording");
    button.setAttribute("aria-pressed", "false");
    label().textContent = "Đang nhận dạng…";
    const heard = await voice.stopRecording();
    const value = heard && convert ? await convert(heard) : heard;
    pending = false;
    label().textContent = MIC_IDLE;
    if (value) {
      input.value = value;
      if (hint) hint.textContent = typeof confirm === "function" ? confirm(heard, value) : confirm;
    } else if (hint) {
      hint.textContent = notHeard;
    }
    input.focus();
  });
}

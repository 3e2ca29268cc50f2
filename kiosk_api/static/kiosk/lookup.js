// Dossier lookup with an on-screen keypad: the code's digits (after the commune's unit code, when configured)
// and the last 4 digits of the phone. POST /api/dossiers/lookup; the answer never holds a name or a phone.
import { requestJson } from "./api.js";

const CODE_DIGITS = 10; // yyMMdd + NNNN

export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

function formatCodeDigits(digits) {
  return digits.length > 6 ? `${digits.slice(0, 6)}-${digits.slice(6)}` : digits;
}

// The digits in what the recogniser heard ("không chín một hai" → "0912"), from the server's one rule.
async function spokenDigits(text) {
  try {
    const body = await requestJson("/api/speech/digits", { method: "POST", body: { text } });
    return (body && body.digits) || "";
  } catch {
    return "";
  }
}

export function createLookup({ unitCode, onRate }) {
  const form = document.getElementById("lookup-form");
  const codeInput = document.getElementById("lookup-code");
  const phoneInput = document.getElementById("lookup-phone");
  const error = document.getElementById("lookup-error");
  const result = document.getElementById("lookup-result");
  const letters = form.querySelector(".keypad.letters");
  const digitsMode = codeInput.dataset.kind === "digits";
  let active = codeInput;
  let busy = false;

  function setActive(input) {
    active = input;
    for (const el of [codeInput, phoneInput]) el.classList.toggle("active-target", el === input);
  }

  function codeDigits() {
    return codeInput.value.replace(/\D/g, "").slice(0, CODE_DIGITS + 2);
  }

  function normalise(input) {
    if (input === phoneInput) {
      input.value = input.value.replace(/\D/g, "").slice(0, 4);
    } else if (digitsMode) {
      input.value = formatCodeDigits(codeDigits());
    } else {
      input.value = input.value.toUpperCase().replace(/[^0-9A-Z.\-]/g, "").slice(0, 64);
    }
  }

  function press(key) {
    error.textContent = "";
    if (key === "letters") {
      if (letters) letters.hidden = !letters.hidden;
      return;
    }
    if (key === "clear") active.value = "";
    else if (key === "back") {
      active.value = active === codeInput && digitsMode ? codeDigits().slice(0, -1) : active.value.slice(0, -1);
    } else active.value += key;
    normalise(active);
    if (active === codeInput && digitsMode && codeDigits().length >= CODE_DIGITS && key !== "back") {
      setActive(phoneInput);
    }
  }

  for (const keypad of form.querySelectorAll(".keypad")) {
    keypad.addEventListener("click", (event) => {
      const key = event.target.closest("[data-key]");
      if (key) press(key.dataset.key);
    });
  }
  for (const input of [codeInput, phoneInput]) {
    input.addEventListener("focus", () => setActive(input));
    input.addEventListener("pointerdown", () => setActive(input));
    input.addEventListener("input", () => normalise(input));
  }

  function fullCode() {
    if (!digitsMode) return codeInput.value.trim();
    const digits = codeDigits();
    return `${unitCode}-${digits.slice(0, 6)}-${digits.slice(6)}`;
  }

  function check() {
    if (digitsMode && codeDigits().length !== CODE_DIGITS) {
      setActive(codeInput);
      return `Mã hồ sơ cần đủ ${CODE_DIGITS} chữ số: 6 số ngày nộp và 4 số thứ tự (ví dụ 261105 rồi 0003).`;
    }
    if (!digitsMode && codeInput.value.trim().length < 5) {
      setActive(codeInput);
      return "Ông/bà vui lòng nhập mã hồ sơ ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.";
    }
    if (!/^\d{4}$/.test(phoneInput.value)) {
      setActive(phoneInput);
      return "Ông/bà vui lòng nhập đủ 4 số cuối của số điện thoại đã đăng ký khi nộp hồ sơ.";
    }
    return null;
  }

  function row(dl, label, value) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dl.append(dt, dd);
  }

  function showResult(dossier) {
    result.replaceChildren();
    const h2 = document.createElement("h2");
    h2.textContent = `Hồ sơ ${dossier.code}`;
    h2.tabIndex = -1;
    const status = document.createElement("p");
    status.className = "status-label";
    status.textContent = dossier.status_label;
    const description = document.createElement("p");
    description.textContent = dossier.status_description;
    result.append(h2, status, description);
    if (dossier.overdue) {
      const p = document.createElement("p");
      p.className = "overdue";
      p.textContent = `Hồ sơ đã quá hạn trả kết quả ${dossier.days_overdue} ngày. Chúng tôi thành thật xin lỗi ông/bà.`;
      result.append(p);
    }
    const dl = document.createElement("dl");
    if (dossier.procedure_name) row(dl, "Thủ tục", dossier.procedure_name);
    row(dl, "Ngày tiếp nhận", formatDate(dossier.received_date));
    row(dl, "Ngày hẹn trả kết quả", formatDate(dossier.appointment_date));
    if (dossier.result_date) row(dl, "Ngày có kết quả", formatDate(dossier.result_date));
    if (dossier.returned_date) row(dl, "Ngày trả kết quả", formatDate(dossier.returned_date));
    row(dl, "Hình thức nộp", dossier.channel_label);
    result.append(dl);
    if (dossier.next_steps && dossier.next_steps.length) {
      const h3 = document.createElement("h3");
      h3.textContent = "Việc ông/bà cần làm";
      const ul = document.createElement("ul");
      for (const step of dossier.next_steps) {
        const li = document.createElement("li");
        li.textContent = step;
        ul.append(li);
      }
      result.append(h3, ul);
    }
    const qrToken = dossier.rating_url ? String(dossier.rating_url).split(/[/?#]/).filter(Boolean).pop() : null;
    if (qrToken && /^[A-Za-z0-9_.~-]+$/.test(qrToken)) {
      const box = document.createElement("div");
      box.className = "rating-qr";
      const img = document.createElement("img");
      img.src = `/api/ratings/qr/${encodeURIComponent(qrToken)}.svg`;
      img.alt = "Mã QR để đánh giá hồ sơ này trên điện thoại";
      img.width = img.height = 220;
      const p = document.createElement("p");
      p.textContent = "Ông/bà cũng có thể quét mã này bằng điện thoại để đánh giá sau.";
      box.append(img, p);
      result.append(box);
    }
    const rate = document.createElement("button");
    rate.type = "button";
    rate.className = "btn btn-primary";
    rate.textContent = "Đánh giá hồ sơ này";
    // The rating goes with the dossier's token (handed out because the digits were right): a code alone cannot rate.
    rate.addEventListener("click", () => onRate({ code: dossier.code, token: qrToken }));
    const again = document.createElement("button");
    again.type = "button";
    again.className = "btn btn-secondary";
    again.textContent = "Tra cứu hồ sơ khác";
    again.addEventListener("click", () => {
      reset();
      codeInput.focus();
    });
    result.append(rate, again);
    form.hidden = true;
    result.hidden = false;
    h2.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const problem = check();
    if (problem) {
      error.textContent = problem;
      return;
    }
    busy = true;
    error.textContent = "Đang tra cứu…";
    try {
      const dossier = await requestJson("/api/dossiers/lookup", {
        method: "POST",
        body: { code: fullCode(), phone_last4: phoneInput.value },
      });
      error.textContent = "";
      phoneInput.value = "";
      showResult(dossier);
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      busy = false;
    }
  });

  function reset() {
    busy = false;
    codeInput.value = "";
    phoneInput.value = "";
    error.textContent = "";
    document.getElementById("lookup-heard").textContent = ""; // the digits heard leave with the citizen
    result.replaceChildren();
    result.hidden = true;
    form.hidden = false;
    if (letters) letters.hidden = true;
    setActive(codeInput);
  }

  // The microphone fills the field being filled with the digits said; the citizen sees them and presses «Tra cứu».
  function bindVoice(button, bindMic) {
    const heard = document.getElementById("lookup-heard");
    const target = {
      get value() {
        return active.value;
      },
      set value(digits) {
        active.value = digits;
        normalise(active);
        if (active === codeInput && digitsMode && codeDigits().length >= CODE_DIGITS) setActive(phoneInput);
      },
      focus: () => active.focus(),
    };
    bindMic(button, target, heard, {
      convert: spokenDigits,
      confirm: (said, digits) => `Đã nghe «${said}»: ${digits.split("").join(" ")}. Ông/bà kiểm tra số trên màn hình.`,
      notHeard: "Chưa nghe rõ các số. Ông/bà nói lại từng số, ví dụ «không chín một hai», hoặc bấm bàn phím.",
    });
  }

  return { reset, open: () => setActive(codeInput), bindVoice };
}

// Four-face rating (with text labels): POST /api/ratings with channel "kiosk", the kiosk's counter, the dossier's
// rating token when the rating follows a lookup, and one idempotency key per rating screen (a double tap stores one
// ballot).
// For a dossier, the ballot's optional questions (indicators 3, 4, 6, 7 from GET /api/ratings/questions) are
// shown above the faces; the faces alone always work, and tapping a face sends whatever was answered.
import { randomId, requestJson } from "./api.js";

const DEFAULT_QUESTION = "Ông/bà có hài lòng với sự phục vụ không?";
const INDICATORS = new Set(["i3", "i4", "i6", "i7"]);

export function createRating({ counterId, onHome }) {
  const section = document.getElementById("view-rating");
  const about = document.getElementById("rating-about");
  const questions = document.getElementById("rating-questions");
  const facesTitle = document.getElementById("rating-faces-title");
  const faces = section.querySelector(".faces");
  const error = document.getElementById("rating-error");
  const done = document.getElementById("rating-done");
  let key = randomId();
  let dossierCode = null;
  let dossierToken = null;
  let busy = false;
  let wording = null; // GET /api/ratings/questions?kind=dossier, fetched once

  function setFaces(disabled, chosen) {
    for (const b of faces.querySelectorAll("button")) {
      b.disabled = disabled;
      b.setAttribute("aria-pressed", String(b.dataset.satisfaction === chosen));
    }
  }

  function renderQuestions(spec) {
    questions.replaceChildren();
    const intro = document.createElement("p");
    intro.className = "note";
    intro.textContent = "Ông/bà có thể trả lời thêm các câu dưới đây (không bắt buộc), rồi chạm vào một ô hài lòng.";
    questions.append(intro);
    for (const q of spec.questions) {
      if (q.field === "satisfaction") {
        facesTitle.textContent = q.text;
        continue;
      }
      if (!INDICATORS.has(q.field)) continue;
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = q.text;
      fieldset.append(legend);
      if (q.hint) {
        const hint = document.createElement("p");
        hint.className = "note";
        hint.textContent = q.hint;
        fieldset.append(hint);
      }
      const options = document.createElement("div");
      options.className = "options";
      for (const option of q.options) {
        const label = document.createElement("label");
        label.className = "option";
        const input = document.createElement("input");
        input.type = "radio";
        input.name = q.field;
        input.value = String(option.value);
        label.append(input, document.createTextNode(option.label));
        options.append(label);
      }
      fieldset.append(options);
      questions.append(fieldset);
    }
    questions.hidden = false;
  }

  async function loadQuestions() {
    if (!wording) {
      try {
        wording = await requestJson("/api/ratings/questions?kind=dossier", { timeout: 5000 });
      } catch {
        return; // the faces alone still work
      }
    }
    if (dossierCode) renderQuestions(wording);
  }

  function answers() {
    const picked = {};
    for (const input of questions.querySelectorAll("input[type=radio]:checked")) {
      picked[input.name] = Number(input.value);
    }
    return picked;
  }

  faces.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-satisfaction]");
    if (!button || busy) return;
    busy = true;
    error.textContent = "";
    setFaces(true, button.dataset.satisfaction);
    const body = { channel: "kiosk", satisfaction: button.dataset.satisfaction, idempotency_key: key };
    if (counterId) body.counter_id = counterId;
    if (dossierToken) Object.assign(body, { token: dossierToken }, answers());
    try {
      const answer = await requestJson("/api/ratings", { method: "POST", body });
      finish(answer.text);
    } catch (failure) {
      if (failure.status === 409 && failure.code === "already_rated") {
        finish(failure.message);
      } else {
        error.textContent = failure.message;
        setFaces(false, null);
      }
    } finally {
      busy = false;
    }
  });

  function finish(text) {
    faces.hidden = questions.hidden = facesTitle.hidden = true;
    done.replaceChildren();
    const p = document.createElement("p");
    p.textContent = text;
    p.tabIndex = -1;
    const home = document.createElement("button");
    home.type = "button";
    home.className = "btn btn-primary btn-wide";
    home.textContent = "Về trang chủ";
    home.addEventListener("click", onHome);
    done.append(p, home);
    done.hidden = false;
    p.focus();
  }

  function reset() {
    key = randomId();
    dossierCode = null;
    dossierToken = null;
    busy = false;
    about.textContent = "";
    error.textContent = "";
    questions.replaceChildren();
    questions.hidden = true;
    facesTitle.textContent = DEFAULT_QUESTION;
    facesTitle.hidden = false;
    done.replaceChildren();
    done.hidden = true;
    faces.hidden = false;
    setFaces(false, null);
  }

  return {
    async open(dossier) {
      reset();
      dossierCode = (dossier && dossier.token && dossier.code) || null;
      dossierToken = dossierCode ? dossier.token : null;
      about.textContent = dossierCode
        ? `Đánh giá việc giải quyết hồ sơ ${dossierCode}.`
        : "Đánh giá chung về sự phục vụ của nơi tiếp nhận hồ sơ. Ông/bà chạm vào một ô dưới đây.";
      if (dossierCode) await loadQuestions();
    },
    reset,
  };
}

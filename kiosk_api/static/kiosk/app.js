// The kiosk single-page app: home, search results and field lists, procedure cards, assistant, dossier lookup,
// rating, call an officer, and the privacy reset after inactivity. No framework, no build step.
import { NETWORK_MESSAGE, currentSession, requestJson, requestText, resetSession } from "./api.js";
import { bindCard } from "./card.js";
import { bindMic, createChat } from "./chat.js";
import { createIdle } from "./idle.js";
import { createLookup } from "./lookup.js";
import { createRating } from "./rating.js";
import * as voice from "./voice.js";

const data = JSON.parse(document.getElementById("kiosk-data").textContent);
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

function seconds(name, fallback) {
  const value = Number.parseFloat(params.get(name) || "");
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// ---- navigation -----------------------------------------------------------------------------------------

const history = [];
let current = { view: "home" };
const cardCache = new Map();

function showView(view) {
  for (const section of document.querySelectorAll("main > .view")) section.hidden = section.dataset.view !== view;
  $("btn-back").hidden = $("btn-home").hidden = view === "home";
  document.body.dataset.view = view;
  window.scrollTo(0, 0);
  const heading = document.querySelector(`#view-${view} h1`);
  if (heading) heading.focus({ preventScroll: true });
}

async function go(view, arg, { push = true } = {}) {
  hideToast();
  try {
    await render(view, arg);
  } catch (error) {
    toast(error.message || NETWORK_MESSAGE);
    return;
  }
  if (push && (current.view !== view || current.arg !== arg)) history.push(current);
  current = { view, arg };
  showView(view === "search" || view === "field" ? "list" : view);
  if (view === "chat" && arg) chat.open(arg);
}

function back() {
  const previous = history.pop() || { view: "home" };
  go(previous.view, previous.arg, { push: false });
}

function home() {
  history.length = 0;
  go("home", undefined, { push: false });
}

async function render(view, arg) {
  switch (view) {
    case "search":
      return renderSearch(arg);
    case "field":
      return renderField(arg);
    case "card":
      return renderCard(arg);
    case "chat":
      if (!arg) chat.open();
      return;
    case "lookup":
      return lookup.open();
    case "rating":
      return rating.open(arg);
    case "officer":
      $("officer-error").textContent = "";
      return;
    default:
      return;
  }
}

// ---- lists ----------------------------------------------------------------------------------------------

function procedureButton(code, name, field) {
  const li = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-tile";
  button.dataset.code = code;
  const title = document.createElement("span");
  title.textContent = name;
  button.append(title);
  if (field) {
    const small = document.createElement("span");
    small.className = "item-field";
    small.textContent = `Lĩnh vực ${field}`;
    button.append(small);
  }
  li.append(button);
  return li;
}

function fillList(title, note, items) {
  $("list-title").textContent = title;
  $("list-note").textContent = note;
  $("list-items").replaceChildren(...items);
}

async function renderSearch(q) {
  const answer = await requestJson(`/api/procedures?${new URLSearchParams({ q, page_size: "12" })}`);
  const items = answer.items.map((p) => procedureButton(p.code, p.name, p.field));
  if (!items.length) {
    const li = document.createElement("li");
    const ask = document.createElement("button");
    ask.type = "button";
    ask.className = "btn btn-primary";
    ask.textContent = "Hỏi trợ lý";
    ask.addEventListener("click", () => go("chat", q));
    li.append(ask);
    items.push(li);
  }
  const note = answer.total
    ? `Tìm thấy ${answer.total} thủ tục, phù hợp nhất ở trên cùng. Chạm vào thủ tục để xem giấy tờ và lệ phí.`
    : "Không tìm thấy thủ tục phù hợp. Ông/bà thử gõ từ khác (ví dụ «khai sinh», «chứng thực»), hỏi trợ lý hoặc gọi cán bộ.";
  fillList(`Kết quả tìm «${q}»`, note, items);
}

function renderField(field) {
  const items = Object.entries(data.procedures)
    .filter(([, p]) => p.field === field)
    .sort((a, b) => b[1].popularity - a[1].popularity || a[1].name.localeCompare(b[1].name, "vi"))
    .map(([code, p]) => procedureButton(code, p.name));
  fillList(`Thủ tục ${field}`, `${items.length} thủ tục. Chạm vào thủ tục để xem giấy tờ và lệ phí.`, items);
}

async function renderCard(code) {
  let html = cardCache.get(code);
  if (!html) {
    html = await requestText(`/kiosk/thu-tuc/${encodeURIComponent(code)}?partial=1`);
    cardCache.set(code, html);
  }
  const body = $("card-body");
  body.innerHTML = html;
  bindCard(body, { onAsk: (askCode, name) => go("chat", `Thủ tục ${name} cần những giấy tờ gì?`) });
}

// ---- toast ----------------------------------------------------------------------------------------------

let toastTimer = null;
function toast(message) {
  const el = $("toast");
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, 12000);
}
function hideToast() {
  $("toast").hidden = true;
}

// ---- parts ----------------------------------------------------------------------------------------------

const chat = createChat({ menu: data.menu, onScreen: (view) => go(view) });
const lookup = createLookup({ unitCode: data.unit_code, onRate: (code) => go("rating", code) });
const rating = createRating({ counterId: data.counter_id, onHome: home });

async function callOfficer() {
  const button = $("officer-call");
  const done = $("officer-done");
  button.disabled = true;
  $("officer-error").textContent = "";
  try {
    const answer = await requestJson("/api/handoffs", {
      method: "POST",
      body: { channel: "kiosk", sender: currentSession().id, topic: "Hỗ trợ tại máy kiosk" },
    });
    const p = document.createElement("p");
    p.textContent = answer.text;
    p.tabIndex = -1;
    done.replaceChildren(p);
    done.hidden = false;
    button.hidden = true;
    p.focus();
  } catch (error) {
    $("officer-error").textContent = `${error.message} Ông/bà cũng có thể đến thẳng quầy tiếp nhận.`;
  } finally {
    button.disabled = false;
  }
}

function resetEverything() {
  voice.stopSpeaking();
  if (voice.isRecording()) voice.stopRecording();
  for (const button of document.querySelectorAll(".btn-mic.recording")) {
    button.classList.remove("recording");
    button.setAttribute("aria-pressed", "false");
    button.lastChild.textContent = "Bấm để nói";
  }
  $("search-input").value = "";
  fillList("", "", []);
  $("card-body").replaceChildren();
  cardCache.clear();
  chat.reset();
  lookup.reset();
  rating.reset();
  $("officer-done").replaceChildren();
  $("officer-done").hidden = true;
  $("officer-call").hidden = false;
  $("officer-call").disabled = false;
  $("officer-error").textContent = "";
  hideToast();
  resetSession();
  home();
}

// ---- wiring ---------------------------------------------------------------------------------------------

$("btn-back").addEventListener("click", back);
$("btn-home").addEventListener("click", home);
$("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = $("search-input").value.trim();
  if (q) go("search", q);
  else $("search-input").focus();
});
document.querySelector("main").addEventListener("click", (event) => {
  const target = event.target.closest("button[data-code], button[data-field], button[data-go]");
  if (!target) return;
  if (target.dataset.code) go("card", target.dataset.code);
  else if (target.dataset.field) go("field", target.dataset.field);
  else go(target.dataset.go);
});
$("officer-call").addEventListener("click", callOfficer);

createIdle({
  idleSeconds: seconds("idle", data.idle_seconds),
  confirmSeconds: seconds("confirm", data.confirm_seconds),
  dialog: $("idle-dialog"),
  secondsOut: $("idle-seconds"),
  continueButton: $("idle-continue"),
  onReset: resetEverything,
});

currentSession();
document.body.dataset.view = "home";
document.body.dataset.ready = "1";
performance.mark("kiosk-ready");

// Speech is optional and loads after the screen is usable.
voice.loadVoice().then((status) => {
  if (status.recognition) {
    for (const button of document.querySelectorAll(".btn-mic")) {
      button.hidden = false;
      if (button.dataset.mic === "lookup") {
        lookup.bindVoice(button, bindMic);
        continue;
      }
      const input = button.dataset.mic === "chat" ? $("chat-input") : $("search-input");
      bindMic(button, input, button.dataset.mic === "chat" ? $("mic-hint") : null);
    }
  }
  $("speech-note").hidden = status.recognition;
  if (status.synthesis) $("autoread-wrap").hidden = false;
  document.body.dataset.speech = status.recognition || status.synthesis ? "on" : "off";
});

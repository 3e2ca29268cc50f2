// A procedure card (rendered by the server): the fee calculator, the print button and "ask the assistant".
import { requestJson } from "./api.js";

const MAX = { pages: 10000, copies: 1000, quantity: 1000 };

function clamp(name, value) {
  const n = Math.floor(Number(value));
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(n, MAX[name] || 1000);
}

function bindCalculator(form) {
  const code = form.dataset.code;
  const result = form.querySelector(".calc-result");
  let timer = null;
  let serial = 0;

  async function compute() {
    const params = new URLSearchParams();
    for (const input of form.querySelectorAll("input[type=number]")) {
      const value = clamp(input.name, input.value);
      if (String(value) !== input.value) input.value = String(value);
      params.set(input.name, String(value));
    }
    const mine = ++serial;
    try {
      const quote = await requestJson(`/api/procedures/${encodeURIComponent(code)}/fee?${params}`);
      if (mine !== serial) return;
      result.replaceChildren();
      const total = document.createElement("p");
      total.className = "total";
      total.textContent = `Tổng cộng: ${quote.formatted}`;
      result.append(total);
      for (const line of quote.lines || []) {
        if (line.startsWith("Tổng cộng")) continue;
        const p = document.createElement("p");
        p.textContent = line;
        result.append(p);
      }
    } catch (error) {
      if (mine !== serial) return;
      result.textContent = error.message;
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(compute, 200);
  }

  form.addEventListener("click", (event) => {
    const step = event.target.closest("[data-step]");
    if (!step) return;
    const input = form.querySelector(`#${CSS.escape(step.dataset.for)}`);
    input.value = String(clamp(input.name, Number(input.value) + Number(step.dataset.step)));
    later();
  });
  form.addEventListener("input", later);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    compute();
  });
  compute();
}

/** Wire a card inserted into `root`; `onAsk(code, name)` opens the assistant about it (hidden when absent). */
export function bindCard(root, { onAsk } = {}) {
  for (const form of root.querySelectorAll("form.calc")) bindCalculator(form);
  for (const button of root.querySelectorAll("[data-print]")) button.addEventListener("click", () => window.print());
  for (const button of root.querySelectorAll("[data-ask]")) {
    if (!onAsk) {
      button.hidden = true;
      continue;
    }
    const card = button.closest(".card");
    button.addEventListener("click", () => onAsk(button.dataset.ask, card ? card.dataset.name : ""));
  }
}

if (document.body && document.body.dataset.page === "card") bindCard(document);

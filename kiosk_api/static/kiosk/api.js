// Talking to kiosk_api: JSON requests with a timeout, Vietnamese messages for failures, and the kiosk session
// (a random id per citizen, sent as X-Kiosk-Session so lookups are throttled per session, reset on idle).

const SESSION_KEY = "kiosk.session";
export const NETWORK_MESSAGE =
  "Không kết nối được với máy chủ. Ông/bà vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại Bộ phận Một cửa.";
const GENERIC_MESSAGE = "Có lỗi khi xử lý yêu cầu. Ông/bà vui lòng thử lại hoặc hỏi cán bộ tại Bộ phận Một cửa.";

export function randomId(bytes = 16) {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
}

let session = null;
// Bumped by resetSession: an answer that arrives after the screen was cleared is dropped (never shown to the
// next citizen): its promise simply never settles.
let epoch = 0;
const STALE = new Promise(() => {});

export function currentSession() {
  if (session) return session;
  try {
    session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
  } catch {
    session = null;
  }
  if (!session || !/^[0-9a-f]{32}$/.test(session.id || "")) {
    session = { id: randomId(), sender: "kiosk-" + randomId() };
    try {
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    } catch {
      /* private mode: the id lives in memory only */
    }
  }
  return session;
}

/** Forget everything this citizen's session held; the next call gets new ids. */
export function resetSession() {
  try {
    sessionStorage.clear();
  } catch {
    /* nothing stored */
  }
  session = null;
  epoch += 1;
  return currentSession();
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function send(path, { method = "GET", body, timeout = 15000, accept = "application/json" } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const headers = { Accept: accept, "X-Kiosk-Session": currentSession().id };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "network", NETWORK_MESSAGE);
  } finally {
    clearTimeout(timer);
  }
}

async function failure(response) {
  let code = "error";
  let message = GENERIC_MESSAGE;
  try {
    const data = await response.json();
    code = data.error || code;
    if (typeof data.detail === "string" && response.status < 500) message = data.detail;
  } catch {
    /* not JSON */
  }
  return new ApiError(response.status, code, message);
}

/** GET or POST JSON; resolves to the parsed answer, rejects with an ApiError carrying a Vietnamese message. */
export async function requestJson(path, options = {}) {
  const mine = epoch;
  let result;
  try {
    const response = await send(path, options);
    if (!response.ok) throw await failure(response);
    try {
      result = await response.json();
    } catch {
      throw new ApiError(response.status, "bad_answer", GENERIC_MESSAGE);
    }
  } catch (error) {
    if (mine !== epoch) return STALE;
    throw error;
  }
  return mine === epoch ? result : STALE;
}

/** GET an HTML fragment. */
export async function requestText(path, options = {}) {
  const mine = epoch;
  let text;
  try {
    const response = await send(path, { ...options, accept: "text/html" });
    if (!response.ok) throw await failure(response);
    text = await response.text();
  } catch (error) {
    if (mine !== epoch) return STALE;
    throw error;
  }
  return mine === epoch ? text : STALE;
}

// Talking to kiosk_api: JSON requests with a timeout, Vietnamese messages for failures, and the kiosk session:
// one per citizen, issued by the server (POST /api/kiosk/session) and sent as X-Kiosk-Session so lookups are
// throttled per citizen; the chat's conversation id, also issued by the server; both forgotten on idle.

const SESSION_KEY = "kiosk.session";
export const NETWORK_MESSAGE =
  "Không kết nối được với máy chủ. Ông/bà vui lòng thử lại sau ít phút hoặc hỏi cán bộ tại quầy tiếp nhận hồ sơ.";
const GENERIC_MESSAGE = "Có lỗi khi xử lý yêu cầu. Ông/bà vui lòng thử lại hoặc hỏi cán bộ tại quầy tiếp nhận hồ sơ.";

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
    // id: a label for this citizen's requests for an officer; token: the server's kiosk session; sender: the
    // server's conversation id for the chat.
    session = { id: randomId(), token: null, expires: 0, sender: null };
    save();
  }
  return session;
}

function save() {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    /* private mode: the ids live in memory only */
  }
}

/** Remember the conversation id the server gave with the chat's last answer. */
export function setConversation(sender) {
  if (typeof sender === "string" && sender) {
    currentSession().sender = sender;
    save();
  }
}

let pendingToken = null;

/** The server's kiosk session for this citizen, asked for once (a page not opened on a kiosk gets none). */
async function kioskToken() {
  const s = currentSession();
  if (s.token && Date.now() < s.expires) return s.token;
  if (!pendingToken) {
    pendingToken = (async () => {
      try {
        const response = await fetch("/api/kiosk/session", { method: "POST", cache: "no-store" });
        if (!response.ok) return null;
        const data = await response.json();
        if (s !== session) return null; // reset meanwhile: this token belonged to the previous citizen
        s.token = String(data.session || "");
        s.expires = Date.now() + Math.max(0, Number(data.expires_in) - 60) * 1000;
        save();
        return s.token || null;
      } catch {
        return null;
      } finally {
        pendingToken = null;
      }
    })();
  }
  return pendingToken;
}

/** Forget everything this citizen's session held; the next call gets new ids. */
export function resetSession() {
  try {
    sessionStorage.clear();
  } catch {
    /* nothing stored */
  }
  session = null;
  pendingToken = null;
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
  const headers = { Accept: accept };
  const token = await kioskToken();
  if (token) headers["X-Kiosk-Session"] = token;
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

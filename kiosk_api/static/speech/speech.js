// Offline speech for the kiosk page: push-to-talk recognition and reading answers aloud.
// Dependency-free ES module; the server does the work (POST/WS /api/speech/…), nothing leaves the kiosk PC.
//
//   import { speechStatus, startRecording, stopRecording, speak, stopSpeaking } from "/static/speech/speech.js";
//   const status = await speechStatus();          // {recognition, synthesis, engine, voices, message, …}
//   await startRecording((text) => show(text));   // microphone on; partial text while the citizen speaks
//   const { text, confidence } = await stopRecording();  // final text: show it to confirm or correct
//   await speak(answerText, { voice: "south" });  // resolves when playback ends; stopSpeaking() cuts it
//
// Capture: getUserMedia + AudioWorklet (ScriptProcessor where worklets are missing), down-sampled to 16 kHz
// PCM16 here. Frames stream over the WebSocket for partial results; if the socket fails, the whole recording
// is sent as a WAV to POST /api/speech/recognize when recording stops.
//
// Errors: startRecording rejects when the microphone is refused or missing (getUserMedia's error);
// stopRecording rejects with an Error whose `message` is a Vietnamese sentence for the citizen and `code` the
// API's error code (speech_unavailable, audio_too_long …); speak rejects when synthesis fails. In every case
// the page should keep working by touch. The kiosk's Chromium needs --autoplay-policy=no-user-gesture-required
// for the auto-read switch (speech started without a tap).

const TARGET_RATE = 16000;
const API = "/api/speech";
const MODULE_URL = new URL(import.meta.url);

let rec = null; // the recording in progress
let playback = null; // the speech being played

export async function speechStatus() {
  try {
    const r = await fetch(`${API}/status`, { cache: "no-store" });
    if (!r.ok) throw new Error(`status ${r.status}`);
    return await r.json();
  } catch (err) {
    return { recognition: false, synthesis: false, message: String(err) };
  }
}

// ---- recording ------------------------------------------------------------------------------------

class Downsampler {
  // Float32 at `rate` → Int16 at 16 kHz: averages the input over each output sample's window (a box
  // low-pass filter, enough for speech) and keeps the fractional position between blocks.
  constructor(rate) {
    this.ratio = rate / TARGET_RATE;
    this.pos = 0;
    this.carry = new Float32Array(0);
  }

  push(input) {
    const data = new Float32Array(this.carry.length + input.length);
    data.set(this.carry);
    data.set(input, this.carry.length);
    const out = [];
    let pos = this.pos;
    while (pos + this.ratio <= data.length) {
      const start = Math.floor(pos);
      const end = Math.max(start + 1, Math.floor(pos + this.ratio));
      let sum = 0;
      for (let i = start; i < end; i++) sum += data[i];
      const v = Math.max(-1, Math.min(1, sum / (end - start)));
      out.push(v < 0 ? v * 32768 : v * 32767);
      pos += this.ratio;
    }
    const keep = Math.floor(pos);
    this.carry = data.slice(keep);
    this.pos = pos - keep;
    return Int16Array.from(out);
  }
}

function wsUrl(rate) {
  const base = new URL(`${API}/stream`, MODULE_URL);
  base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  base.searchParams.set("rate", String(rate));
  return base.toString();
}

function openSocket(state, onPartial) {
  return new Promise((resolve) => {
    let ws;
    try {
      ws = new WebSocket(wsUrl(TARGET_RATE));
    } catch {
      resolve(null);
      return;
    }
    ws.binaryType = "arraybuffer";
    const timer = setTimeout(() => resolve(null), 15000); // the first use may load the model
    ws.onmessage = (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg.type === "ready") {
        clearTimeout(timer);
        resolve(ws);
      } else if (msg.type === "partial") {
        state.partial = msg.text;
        if (onPartial) {
          try {
            onPartial(msg.text);
          } catch (err) {
            console.error(err);
          }
        }
      } else if (msg.type === "final") {
        state.final = { text: msg.text, confidence: msg.confidence };
        if (state.finalResolve) state.finalResolve(state.final);
      } else if (msg.type === "error") {
        state.wsFailed = true;
        state.error = msg.detail;
        clearTimeout(timer);
        resolve(null);
        if (state.finalResolve) state.finalResolve(null);
      }
    };
    ws.onerror = () => {
      state.wsFailed = true;
      clearTimeout(timer);
      resolve(null);
      if (state.finalResolve) state.finalResolve(null);
    };
    ws.onclose = () => {
      clearTimeout(timer);
      resolve(null); // no-op once resolved with the open socket
      if (!state.final) state.wsFailed = true;
      if (state.finalResolve && !state.final) state.finalResolve(null);
    };
  });
}

async function openCapture(stream, onFrame) {
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(stream);
  if (ctx.audioWorklet) {
    try {
      await ctx.audioWorklet.addModule(new URL("pcm-worklet.js", MODULE_URL));
      const node = new AudioWorkletNode(ctx, "pcm-capture");
      node.port.onmessage = (event) => onFrame(event.data, ctx.sampleRate);
      source.connect(node);
      return { ctx, nodes: [source, node] };
    } catch (err) {
      console.warn("AudioWorklet unavailable, using ScriptProcessor", err);
    }
  }
  const node = ctx.createScriptProcessor(4096, 1, 1);
  node.onaudioprocess = (event) => onFrame(new Float32Array(event.inputBuffer.getChannelData(0)), ctx.sampleRate);
  const mute = ctx.createGain();
  mute.gain.value = 0;
  source.connect(node);
  node.connect(mute);
  mute.connect(ctx.destination);
  return { ctx, nodes: [source, node, mute] };
}

export async function startRecording(onPartial) {
  if (rec) await stopRecording().catch(() => {});
  const status = await speechStatus();
  const maxSamples = Math.round((status.max_seconds || 30) * TARGET_RATE);
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  const state = { chunks: [], sent: 0, samples: 0, partial: "", final: null, wsFailed: false, ws: null, stream };
  rec = state;
  // Capture starts at once (the citizen speaks as soon as the microphone is on); frames are kept and sent
  // when the socket is ready, which may take a few seconds when the engine loads on first use.
  const flush = () => {
    const ws = state.ws;
    if (!ws || state.wsFailed || ws.readyState !== WebSocket.OPEN) return;
    while (state.sent < state.chunks.length) ws.send(state.chunks[state.sent++].buffer);
  };
  let down = null;
  state.capture = await openCapture(stream, (frame, rate) => {
    if (state.stopped) return;
    if (!down) down = new Downsampler(rate);
    const pcm = down.push(frame);
    if (!pcm.length || state.samples >= maxSamples) return;
    state.chunks.push(pcm);
    state.samples += pcm.length;
    flush();
  });
  state.rate = state.capture.ctx.sampleRate;
  state.socket = openSocket(state, onPartial).then((ws) => {
    state.ws = ws;
    flush();
    return ws;
  });
  // Do not hold the caller up for long: the socket may still be opening (capture is running anyway).
  await Promise.race([state.socket, new Promise((r) => setTimeout(r, 1500))]);
  return { streaming: Boolean(state.ws), sampleRate: state.rate };
}

function flushAll(state) {
  while (state.sent < state.chunks.length) state.ws.send(state.chunks[state.sent++].buffer);
}

function wavBlob(chunks, samples) {
  const buffer = new ArrayBuffer(44 + samples * 2);
  const view = new DataView(buffer);
  const text = (offset, s) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, TARGET_RATE, true);
  view.setUint32(28, TARGET_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples * 2, true);
  let offset = 44;
  for (const chunk of chunks) {
    new Int16Array(buffer, offset, chunk.length).set(chunk);
    offset += chunk.length * 2;
  }
  return new Blob([buffer], { type: "audio/wav" });
}

async function recognizeWav(state) {
  const r = await fetch(`${API}/recognize`, {
    method: "POST",
    headers: { "Content-Type": "audio/wav" },
    body: wavBlob(state.chunks, state.samples),
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    const err = new Error((body.detail && body.detail.message) || `recognition failed (${r.status})`);
    err.code = body.error;
    throw err;
  }
  return { text: body.text, confidence: body.confidence };
}

export async function stopRecording() {
  const state = rec;
  rec = null;
  if (!state) return { text: "", confidence: null };
  // Let the last worklet block arrive before closing.
  await new Promise((r) => setTimeout(r, 150));
  state.stopped = true;
  state.stream.getTracks().forEach((t) => t.stop());
  if (state.capture) {
    state.capture.nodes.forEach((n) => n.disconnect());
    await state.capture.ctx.close().catch(() => {});
  }
  await state.socket;
  if (state.ws && !state.wsFailed && state.ws.readyState === WebSocket.OPEN) {
    flushAll(state);
    const final = await new Promise((resolve) => {
      state.finalResolve = resolve;
      if (state.final) resolve(state.final);
      state.ws.send(JSON.stringify({ type: "end" }));
      setTimeout(() => resolve(null), 15000);
    });
    try {
      state.ws.close();
    } catch {}
    if (final) return final;
  } else if (state.ws) {
    try {
      state.ws.close();
    } catch {}
  }
  if (!state.samples) return { text: "", confidence: null };
  return recognizeWav(state);
}

// ---- reading aloud -----------------------------------------------------------------------------------

export function splitForSpeech(text, maxChars = 220) {
  const out = [];
  for (let part of String(text).split(/(?<=[.!?;:])\s+|\n+/)) {
    part = part.trim();
    while (part.length > maxChars) {
      let cut = part.lastIndexOf(",", maxChars);
      if (cut <= 0) cut = part.lastIndexOf(" ", maxChars);
      if (cut <= 0) cut = maxChars;
      out.push(part.slice(0, cut + 1).trim());
      part = part.slice(cut + 1).trim();
    }
    if (/[\p{L}\p{N}]/u.test(part)) out.push(part);
  }
  return out;
}

// The answer rendered for the ear by the server (short sentences, lists as "Thứ nhất, …", about 25 s at most);
// the plain sentences of the text when that fails.
async function fetchScript(text, signal) {
  try {
    const r = await fetch(`${API}/script`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text }),
      signal,
    });
    if (r.ok) {
      const body = await r.json();
      if (Array.isArray(body.sentences) && body.sentences.length) return body.sentences;
    }
  } catch (err) {
    if (signal.aborted) throw err;
  }
  return splitForSpeech(text);
}

async function fetchSpeech(text, voice, slow, signal) {
  const body = { text };
  if (voice) body.voice = voice;
  if (slow) body.slow = true;
  const r = await fetch(`${API}/synthesize`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  if (!r.ok) throw new Error(`synthesis failed (${r.status})`);
  return URL.createObjectURL(await r.blob());
}

function play(url, state) {
  return new Promise((resolve, reject) => {
    const audio = new Audio(url);
    state.audio = audio;
    state.stopPlay = resolve;
    audio.onended = () => resolve();
    audio.onerror = () => reject(new Error("playback failed"));
    audio.play().catch(reject);
  });
}

export async function speak(text, { voice, slow = false } = {}) {
  stopSpeaking();
  const state = { cancelled: false, audio: null, controller: new AbortController() };
  playback = state;
  try {
    // Sentence by sentence: the first one plays while the next is being made (first audio fast).
    const pieces = await fetchScript(text, state.controller.signal);
    let next = pieces.length ? fetchSpeech(pieces[0], voice, slow, state.controller.signal) : null;
    for (let i = 0; i < pieces.length && !state.cancelled; i++) {
      const url = await next;
      next = i + 1 < pieces.length ? fetchSpeech(pieces[i + 1], voice, slow, state.controller.signal) : null;
      if (next) next.catch(() => {});
      try {
        if (!state.cancelled) await play(url, state);
      } finally {
        URL.revokeObjectURL(url);
      }
    }
  } catch (err) {
    if (!state.cancelled) throw err;
  } finally {
    if (playback === state) playback = null;
  }
}

export function stopSpeaking() {
  const state = playback;
  playback = null;
  if (!state) return;
  state.cancelled = true;
  state.controller.abort();
  if (state.audio) {
    state.audio.pause();
    state.audio.removeAttribute("src");
  }
  if (state.stopPlay) state.stopPlay();
}

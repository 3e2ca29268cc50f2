// Speech, when helper module /static/speech/speech.js is installed and says it works. Every call is guarded: a
// missing file, a missing function or a failing engine only hides the microphone and "Đọc to" buttons.

const SPEECH_MODULE = "/static/speech/speech.js";
let engine = null;
const status = { recognition: false, synthesis: false };

export async function loadVoice() {
  try {
    const mod = await import(SPEECH_MODULE);
    const reported = typeof mod.speechStatus === "function" ? await mod.speechStatus() : null;
    engine = mod;
    status.recognition =
      !!(reported && reported.recognition) &&
      typeof mod.startRecording === "function" &&
      typeof mod.stopRecording === "function";
    status.synthesis = !!(reported && reported.synthesis) && typeof mod.speak === "function";
  } catch {
    engine = null;
    status.recognition = status.synthesis = false;
  }
  return { ...status };
}

export const canListen = () => status.recognition;
export const canSpeak = () => status.synthesis;

export async function speak(text, options = {}) {
  if (!status.synthesis) return;
  try {
    stopSpeaking();
    await engine.speak(text, options);
  } catch {
    /* the answer stays on screen */
  }
}

export function stopSpeaking() {
  try {
    if (engine && typeof engine.stopSpeaking === "function") engine.stopSpeaking();
  } catch {
    /* nothing playing */
  }
}

let recording = false;
export const isRecording = () => recording;

export async function startRecording(onPartial) {
  if (!status.recognition || recording) return false;
  try {
    await engine.startRecording((text) => {
      try {
        onPartial(typeof text === "string" ? text : (text && text.text) || "");
      } catch {
        /* display only */
      }
    });
    recording = true;
    return true;
  } catch {
    recording = false;
    return false;
  }
}

/** Resolves to the recognised text ("" when nothing was understood or the engine failed). */
export async function stopRecording() {
  if (!recording) return "";
  recording = false;
  try {
    const result = await engine.stopRecording();
    return ((result && result.text) || "").trim();
  } catch {
    return "";
  }
}

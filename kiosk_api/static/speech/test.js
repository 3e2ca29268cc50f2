// The speech test page's script (a file, not inline: pages run only this server's scripts).
import { speechStatus, startRecording, stopRecording, speak, stopSpeaking } from "./speech.js";
const $ = (id) => document.getElementById(id);
const status = await speechStatus();
$("status").textContent = status.message || "";
$("talk").disabled = !status.recognition;
$("speak").disabled = !status.synthesis;
$("talk").onclick = async () => {
  $("partial").textContent = "";
  await startRecording((t) => { $("partial").textContent = t; });
  $("talk").disabled = true;
  $("stop").disabled = false;
};
$("stop").onclick = async () => {
  $("stop").disabled = true;
  try {
    const { text } = await stopRecording();
    $("final").value = text;
  } catch (err) {
    $("status").textContent = err.message;
  }
  $("talk").disabled = false;
};
$("speak").onclick = () => speak($("say").value, { voice: $("voice").value });
$("hush").onclick = () => stopSpeaking();
window.speechReady = true;

// AudioWorklet processor for speech.js: forwards the microphone's first channel (Float32 frames at the
// AudioContext's rate) to the main thread in blocks of about 100 ms.
class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = [];
    this.size = 0;
    this.target = Math.round(sampleRate / 10);
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel && channel.length) {
      this.block.push(channel.slice(0));
      this.size += channel.length;
      if (this.size >= this.target) {
        const out = new Float32Array(this.size);
        let offset = 0;
        for (const part of this.block) {
          out.set(part, offset);
          offset += part.length;
        }
        this.port.postMessage(out, [out.buffer]);
        this.block = [];
        this.size = 0;
      }
    }
    return true;
  }
}

registerProcessor("pcm-capture", PcmCapture);

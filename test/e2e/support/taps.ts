/**
 * Init scripts injected into pages to observe real audio without changing the app:
 * - `tapDecoder` wraps WebCodecs' AudioDecoder so every PCM chunk the listener's player decodes
 *   is also kept (last ~20 s) with the wall-clock time it came out of the decoder;
 * - `tapMicrophone` wraps getUserMedia so a speaker page records when its own mic's tone
 *   bursts start (wall clock), for the speaker-to-listener delay.
 * Both run in the browser; they are plain strings of JavaScript for page.addInitScript.
 */
export const tapDecoder = `(() => {
  const Original = window.AudioDecoder;
  if (!Original) return;
  const chunks = [];
  window.__pcm = { chunks, count: 0 };
  // tone levels (Goertzel, Hann window) over the PCM decoded between two wall-clock times
  window.__analyse = (from, to, freqs) => {
    const parts = chunks.filter((c) => c.t >= from && c.t <= to);
    const n = parts.reduce((a, c) => a + c.samples.length, 0);
    const all = new Float32Array(n);
    let at = 0;
    for (const c of parts) { all.set(c.samples, at); at += c.samples.length; }
    const level = (freq) => {
      if (n === 0) return 0;
      const coeff = 2 * Math.cos((2 * Math.PI * freq) / 48000);
      let s1 = 0, s2 = 0;
      for (let i = 0; i < n; i++) {
        const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
        const s0 = all[i] * win + coeff * s1 - s2;
        s2 = s1; s1 = s0;
      }
      return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2))) / (n * 0.5);
    };
    return { samples: n, levels: freqs.map(level) };
  };
  // wall-clock times (decoder output) at which the decoded audio goes loud after >= 300 ms quiet
  window.__onsetsHeard = (from) => {
    const onsets = [];
    let quiet = 0;
    for (const c of chunks) {
      if (c.t < from) continue;
      for (let i = 0; i + 240 <= c.samples.length; i += 240) {
        let sum = 0;
        for (let j = i; j < i + 240; j++) sum += c.samples[j] ** 2;
        const rms = Math.sqrt(sum / 240);
        if (rms > 0.05) { if (quiet > 60) onsets.push(c.t); quiet = 0; }
        else if (rms < 0.01) quiet++;
      }
    }
    return onsets;
  };
  window.AudioDecoder = class extends Original {
    constructor(init) {
      const output = init.output;
      super({ ...init, output: (data) => {
        try {
          const samples = new Float32Array(data.numberOfFrames);
          data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
          chunks.push({ t: performance.timeOrigin + performance.now(), samples });
          window.__pcm.count++;
          while (chunks.length > 1000) chunks.shift();
        } catch (e) { window.__pcmError = String(e); }
        output(data);
      } });
    }
  };
})();`;

export const tapMicrophone = `(() => {
  const md = navigator.mediaDevices;
  const original = md.getUserMedia.bind(md);
  window.__onsets = [];
  md.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    try {
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 256;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      let quietSince = performance.now();
      let loud = false;
      setInterval(() => {
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (const v of buf) sum += v * v;
        const rms = Math.sqrt(sum / buf.length);
        const now = performance.now();
        if (rms > 0.05 && !loud) {
          if (now - quietSince > 300) window.__onsets.push(performance.timeOrigin + now);
          loud = true;
        } else if (rms < 0.01 && loud) {
          loud = false;
          quietSince = now;
        }
      }, 4);
    } catch (e) { window.__tapError = String(e); }
    return stream;
  };
})();`;

/**
 * Your microphone on stage. Lifecycle: open() asks for the mic (call from a click), the track
 * starts DISABLED (muted: no hot mics), setLive() flips track.enabled, close() stops the track
 * and the meter (idempotent). The level meter reads a clone of the track, so the mic check
 * works while you are muted and nothing leaves the browser for it.
 */
export class Mic {
  readonly stream: MediaStream;
  private readonly meterStream: MediaStream;
  private readonly ctx: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly buf: Float32Array<ArrayBuffer>;
  private closed = false;

  private constructor(stream: MediaStream) {
    this.stream = stream;
    for (const t of stream.getAudioTracks()) t.enabled = false;
    this.meterStream = stream.clone();
    for (const t of this.meterStream.getAudioTracks()) t.enabled = true;
    this.ctx = new AudioContext();
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.buf = new Float32Array(this.analyser.fftSize);
    this.ctx.createMediaStreamSource(this.meterStream).connect(this.analyser);
  }

  static async open(): Promise<Mic> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
    const mic = new Mic(stream);
    await mic.ctx.resume().catch(() => undefined);
    return mic;
  }

  /** true when the mic track is enabled, i.e. your voice goes out */
  get live(): boolean {
    return !this.closed && this.stream.getAudioTracks().some((t) => t.enabled);
  }

  setLive(on: boolean): void {
    if (this.closed) throw new Error('Mic is closed');
    for (const t of this.stream.getAudioTracks()) t.enabled = on;
  }

  /** Peak level of the last analyser window, 0..1 (whether or not you are live). */
  level(): number {
    if (this.closed) return 0;
    this.analyser.getFloatTimeDomainData(this.buf);
    let peak = 0;
    for (const v of this.buf) peak = Math.max(peak, Math.abs(v));
    return Math.min(1, peak);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of [...this.stream.getTracks(), ...this.meterStream.getTracks()]) t.stop();
    void this.ctx.close().catch(() => undefined);
  }
}

/**
 * The run as an SVG chart, drawn by hand: three panels over time sharing the x axis —
 * listeners connected; delay behind live p50/p99 (ms); client and server CPU (% of one core).
 */
import type { LoadReport, Sample } from './report.js';

const W = 900;
const PANEL_H = 170;
const LEFT = 70;
const RIGHT = 20;
const TOP = 40;
const GAP = 40;

interface Line {
  label: string;
  color: string;
  values: (number | null)[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** a round axis maximum at or above v */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function panel(y0: number, title: string, unit: string, ts: number[], tMax: number, lines: Line[]): string {
  const plotW = W - LEFT - RIGHT;
  const all = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const yMax = niceMax(Math.max(0, ...all));
  const x = (t: number) => LEFT + (t / tMax) * plotW;
  const y = (v: number) => y0 + PANEL_H - (v / yMax) * PANEL_H;
  const out: string[] = [];
  out.push(`<text x="${LEFT}" y="${y0 - 8}" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${LEFT}" y="${y0}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${yy}" y2="${yy}" stroke="#eee"/>`);
    out.push(`<text x="${LEFT - 6}" y="${yy}" text-anchor="end" dy="4">${+v.toPrecision(4)}${unit}</text>`);
  }
  let legendX = W - RIGHT;
  for (const line of [...lines].reverse()) {
    legendX -= 24 + line.label.length * 7;
    out.push(`<text x="${legendX + 14}" y="${y0 - 8}" fill="${line.color}">${esc(line.label)}</text>`);
    out.push(`<rect x="${legendX}" y="${y0 - 17}" width="10" height="10" fill="${line.color}"/>`);
  }
  for (const line of lines) {
    const pts = line.values
      .map((v, i) => (v === null ? null : `${x(ts[i] ?? 0).toFixed(1)},${y(v).toFixed(1)}`))
      .filter((p) => p !== null);
    if (pts.length)
      out.push(`<polyline fill="none" stroke="${line.color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
  }
  return out.join('\n');
}

export function renderChart(report: LoadReport): string {
  const s: Sample[] = report.series;
  const ts = s.map((p) => p.t);
  const tMax = Math.max(1, ...ts);
  const height = TOP + 3 * PANEL_H + 2 * GAP + 40;
  const y1 = TOP + 20;
  const y2 = y1 + PANEL_H + GAP;
  const y3 = y2 + PANEL_H + GAP;
  const axisY = y3 + PANEL_H + 18;
  const ticks: string[] = [];
  const step = niceMax(tMax / 8);
  for (let t = 0; t <= tMax + 1e-9; t += step) {
    const xx = (LEFT + (t / tMax) * (W - LEFT - RIGHT)).toFixed(1);
    ticks.push(`<text x="${xx}" y="${axisY}" text-anchor="middle">${+t.toPrecision(4)}s</text>`);
  }
  const title =
    `rostra load: ${report.listeners.requested} ${report.target.tier} listeners, ${report.options.mode}` +
    `, ${report.speakers.length} speaker(s) — ${report.startedAt}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
    panel(y1, 'Listeners connected', '', ts, tMax, [
      {
        label: 'connected',
        color: '#1f77b4',
        values: s.map((p) => p.listeners),
      },
      {
        label: 'stalled now',
        color: '#d62728',
        values: s.map((p) => p.stalledNow),
      },
    ]),
    panel(y2, 'Delay behind live', ' ms', ts, tMax, [
      {
        label: 'p50',
        color: '#2ca02c',
        values: s.map((p) => p.delayP50 || null),
      },
      {
        label: 'p99',
        color: '#ff7f0e',
        values: s.map((p) => p.delayP99 || null),
      },
    ]),
    panel(y3, 'CPU (% of one core)', '%', ts, tMax, [
      {
        label: 'server',
        color: '#9467bd',
        values: s.map((p) => p.serverCpuPct),
      },
      {
        label: 'load tool',
        color: '#8c564b',
        values: s.map((p) => p.clientCpuPct),
      },
    ]),
    ...ticks,
    `</svg>`,
  ].join('\n');
}

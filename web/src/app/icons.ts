/** Inline SVG icons (no emoji font needed): mic, mic-off and bell, 1em, currentColor. */
const NS = 'http://www.w3.org/2000/svg';

function svg(paths: string[]): SVGSVGElement {
  const el = document.createElementNS(NS, 'svg');
  el.setAttribute('viewBox', '0 0 24 24');
  el.setAttribute('width', '1em');
  el.setAttribute('height', '1em');
  el.setAttribute('aria-hidden', 'true');
  el.setAttribute('fill', 'none');
  el.setAttribute('stroke', 'currentColor');
  el.setAttribute('stroke-width', '2.2');
  el.setAttribute('stroke-linecap', 'round');
  el.classList.add('icon');
  for (const d of paths) {
    const p = document.createElementNS(NS, 'path');
    p.setAttribute('d', d);
    el.appendChild(p);
  }
  return el;
}

const MIC = ['M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z', 'M5 11a7 7 0 0 0 14 0', 'M12 18v3'];

export const micIcon = (): SVGSVGElement => svg(MIC);
export const micOffIcon = (): SVGSVGElement => svg([...MIC, 'M3 3l18 18']);
export const bellIcon = (): SVGSVGElement =>
  svg(['M6 16V11a6 6 0 0 1 12 0v5l2 2H4z', 'M10 21a2 2 0 0 0 4 0']);

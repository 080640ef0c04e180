/**
 * The reaction icons, drawn as inline SVG and shipped with the app: on a system without an
 * emoji font the reactions still show (emoji there render as empty boxes). Each reaction in
 * LIMITS.reactions has a name for screen readers and a 24×24 drawing. The wire still carries
 * the emoji (the protocol's reaction ids).
 */
import type { ReactionEmoji } from '../../../../src/protocol/limits.js';

const NS = 'http://www.w3.org/2000/svg';
type Shape = [tag: 'path' | 'circle' | 'ellipse' | 'rect', attrs: Record<string, string | number>];

const YELLOW = '#fcc21b';
const FACE_LINE = '#6b4a12';
const face = (...features: Shape[]): Shape[] => [
  ['circle', { cx: 12, cy: 12, r: 10, fill: YELLOW, stroke: '#e0a400', 'stroke-width': 1 }],
  ...features,
];
const hand = (x: number, rot: number): Shape => [
  'path',
  {
    d: 'M-3 8v-9a1.3 1.3 0 0 1 2.6 0v-3a1.3 1.3 0 0 1 2.6 0v1a1.3 1.3 0 0 1 2.6 0v2.5a1.3 1.3 0 0 1 2.6 0V6c0 3-2 5-5 5h-1c-2 0-3.4-1.2-4.4-3z',
    fill: '#f2b179',
    stroke: '#a8652e',
    'stroke-width': 0.9,
    transform: `translate(${x} 10) rotate(${rot})`,
  },
];

export const REACTION_ICONS: Record<ReactionEmoji, { name: string; shapes: Shape[] }> = {
  '👏': {
    name: 'applause',
    shapes: [
      hand(9, -18),
      hand(13, 14),
      [
        'path',
        { d: 'M4 5l-2-2M7 3V1M20 5l2-2', stroke: '#e0a400', 'stroke-width': 1.6, 'stroke-linecap': 'round' },
      ],
    ],
  },
  '❤️': {
    name: 'love',
    shapes: [
      [
        'path',
        {
          d: 'M12 21s-7.6-4.7-9.6-9.4C1.1 8.3 3.3 4.5 6.8 4.5c2.1 0 3.6 1.2 5.2 3.1 1.6-1.9 3.1-3.1 5.2-3.1 3.5 0 5.7 3.8 4.4 7.1C19.6 16.3 12 21 12 21z',
          fill: '#e0245e',
        },
      ],
    ],
  },
  '😂': {
    name: 'laughing',
    shapes: face(
      [
        'path',
        {
          d: 'M6.5 9.5l2-1.5 2 1.5M13.5 9.5l2-1.5 2 1.5',
          stroke: FACE_LINE,
          'stroke-width': 1.5,
          fill: 'none',
          'stroke-linecap': 'round',
        },
      ],
      ['path', { d: 'M6.5 13h11a5.5 5.5 0 0 1-11 0z', fill: FACE_LINE }],
      ['path', { d: 'M3.5 10.5c-1.5 2-1.8 3.6-.6 4.4s2.4-.6 2-3z', fill: '#4fa7e8' }],
      ['path', { d: 'M20.5 10.5c1.5 2 1.8 3.6.6 4.4s-2.4-.6-2-3z', fill: '#4fa7e8' }],
    ),
  },
  '🔥': {
    name: 'fire',
    shapes: [
      [
        'path',
        { d: 'M12 2c1 4 6 6 6 12a6 6 0 0 1-12 0c0-3 1.5-4.5 3-6 0 2 1 3 2 3-1-3 0-6 1-9z', fill: '#f4511e' },
      ],
      [
        'path',
        {
          d: 'M12 11c.5 2 3 3 3 5.5a3 3 0 0 1-6 0c0-1.5 1-2.5 2-3.5 0 1 .5 1.5 1 1.5-.4-1.2-.4-2.4 0-3.5z',
          fill: '#ffca28',
        },
      ],
    ],
  },
  '💯': {
    name: 'one hundred',
    shapes: [
      [
        'path',
        {
          d: 'M3 7l2-1.5V15',
          stroke: '#e53935',
          'stroke-width': 2,
          fill: 'none',
          'stroke-linecap': 'round',
          'stroke-linejoin': 'round',
        },
      ],
      ['ellipse', { cx: 11, cy: 10.3, rx: 2.6, ry: 4.5, stroke: '#e53935', 'stroke-width': 2, fill: 'none' }],
      [
        'ellipse',
        { cx: 18.3, cy: 10.3, rx: 2.6, ry: 4.5, stroke: '#e53935', 'stroke-width': 2, fill: 'none' },
      ],
      [
        'path',
        { d: 'M3 18.2h18M4 21h16', stroke: '#e53935', 'stroke-width': 1.8, 'stroke-linecap': 'round' },
      ],
    ],
  },
  '🙌': {
    name: 'raised hands',
    shapes: [
      hand(7.5, 0),
      hand(16.5, 0),
      [
        'path',
        {
          d: 'M3 4l1.5 1.5M12 1.5v2M21 4l-1.5 1.5',
          stroke: '#e0a400',
          'stroke-width': 1.6,
          'stroke-linecap': 'round',
        },
      ],
    ],
  },
  '😮': {
    name: 'surprised',
    shapes: face(
      ['ellipse', { cx: 8.5, cy: 9.5, rx: 1.3, ry: 1.7, fill: FACE_LINE }],
      ['ellipse', { cx: 15.5, cy: 9.5, rx: 1.3, ry: 1.7, fill: FACE_LINE }],
      ['ellipse', { cx: 12, cy: 16, rx: 2.4, ry: 3, fill: FACE_LINE }],
    ),
  },
  '👎': {
    name: 'thumbs down',
    shapes: [
      ['rect', { x: 2.5, y: 3, width: 4, height: 10.5, rx: 1, fill: '#5c6bc0' }],
      [
        'path',
        {
          d: 'M7.5 4h8.7c1 0 1.8.6 2 1.5l1.6 6.3c.3 1.3-.7 2.5-2 2.5H14l.8 3.7c.3 1.4-.6 2.8-2 3-.5.1-1-.2-1.2-.7L8.8 14H7.5z',
          fill: '#f2b179',
          stroke: '#a8652e',
          'stroke-width': 0.9,
        },
      ],
    ],
  },
};

/** the icon of one reaction, 1em square, hidden from screen readers (the button has a label) */
export function reactionIcon(emoji: ReactionEmoji): SVGSVGElement {
  const el = document.createElementNS(NS, 'svg');
  el.setAttribute('viewBox', '0 0 24 24');
  el.setAttribute('width', '1em');
  el.setAttribute('height', '1em');
  el.setAttribute('aria-hidden', 'true');
  el.setAttribute('focusable', 'false');
  el.classList.add('reaction-icon');
  el.dataset.reaction = REACTION_ICONS[emoji].name;
  for (const [tag, attrs] of REACTION_ICONS[emoji].shapes) {
    const shape = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, String(v));
    el.appendChild(shape);
  }
  return el;
}

/**
 * The question commands (docs/questions.md), run one at a time by the Room like every other
 * command: each checks everything first, writes the store, then updates the in-memory book
 * (so a refused or failed write changes nothing). Text arrives from outside: it is trimmed,
 * NFC-normalised and refused when empty, too long or carrying control characters; it is stored
 * and sent as plain text (clients render it as text, so markup stays inert).
 */
import { asQuestionId, isId, type QuestionId, type UserId } from '../../protocol/ids.js';
import { QUESTION_LIMITS, type QuestionSettings } from '../../protocol/questions.js';
import { RostraError } from '../errors.js';
import type { Actor } from './actor.js';
import type { RoomContext } from './commands.js';

/** C0/C1 controls (newlines included: a question is one line) and the bidi overrides/isolates */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

const field = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  new RostraError('invalid_field', message, { details: { field: name, ...extra } });

/** the text of a question as stored, or a refusal (invalid_field / payload_too_large) */
export function questionText(raw: unknown): string {
  if (typeof raw !== 'string') throw field('text', 'text must be a string');
  if (raw.length > QUESTION_LIMITS.maxLength * 8) throw tooLong();
  const text = raw.normalize('NFC').trim();
  if (text.length === 0) throw field('text', 'the question is empty');
  if (FORBIDDEN_CHARS.test(text)) {
    throw field('text', 'control characters are not allowed', { reason: 'control_characters' });
  }
  if ([...text].length > QUESTION_LIMITS.maxLength) throw tooLong();
  return text;
}

const tooLong = () =>
  new RostraError('payload_too_large', `a question holds at most ${QUESTION_LIMITS.maxLength} characters`, {
    details: { field: 'text', max: QUESTION_LIMITS.maxLength },
  });

export function questionIdOf(raw: unknown): QuestionId {
  if (!isId(raw)) throw field('questionId', 'questionId is missing or malformed');
  return asQuestionId(raw);
}

const me = (actor: Actor): UserId => {
  if (actor.userId === null) throw new RostraError('forbidden', 'sign in to post questions');
  return actor.userId;
};

/** a question that exists and is not hidden */
function visible(ctx: RoomContext, id: QuestionId) {
  const q = ctx.questions.get(id);
  if (!q || q.status === 'hidden') throw new RostraError('question_not_found');
  return q;
}

export async function ask(ctx: RoomContext, actor: Actor, raw: unknown): Promise<void> {
  const authorId = me(actor);
  const text = questionText(raw);
  const now = ctx.now();
  ctx.questions.assertMayPost(authorId, now);
  const q = {
    id: asQuestionId(crypto.randomUUID()),
    authorId,
    authorHandle: actor.handle,
    text,
    votes: 0,
    status: 'open' as const,
    askedAt: now,
    answeredAt: null,
  };
  await ctx.store.addQuestion({ ...q, spaceId: ctx.spaceId });
  ctx.questions.add(q);
}

export async function upvote(ctx: RoomContext, actor: Actor, raw: unknown): Promise<void> {
  const voter = me(actor);
  const q = visible(ctx, questionIdOf(raw));
  if (q.authorId === voter)
    throw new RostraError('cannot_target_self', 'you cannot upvote your own question');
  const votes = await ctx.store.addQuestionVote(ctx.spaceId, q.id, voter, ctx.now());
  if (votes !== null) ctx.questions.setVotes(q.id, votes); // null: voted before, nothing changes
}

/** ends the current "now answering", if any, as answered */
async function finishAnswering(ctx: RoomContext, except?: QuestionId): Promise<void> {
  const current = ctx.questions.answering();
  if (!current || current.id === except) return;
  await answered(ctx, current.id);
}

async function answered(ctx: RoomContext, id: QuestionId): Promise<void> {
  const at = ctx.now();
  await ctx.store.setQuestionStatus(ctx.spaceId, id, 'answered', at);
  ctx.questions.setStatus(id, 'answered', at);
}

export async function answerQuestion(ctx: RoomContext, raw: unknown): Promise<void> {
  const q = visible(ctx, questionIdOf(raw));
  if (q.status === 'answered') return; // idempotent
  await answered(ctx, q.id);
}

/** highlights one question for everyone; the one highlighted before counts as answered */
export async function nowAnswering(ctx: RoomContext, raw: unknown): Promise<void> {
  if (raw === null) return finishAnswering(ctx);
  const q = visible(ctx, questionIdOf(raw));
  if (q.status === 'answering') return;
  await finishAnswering(ctx, q.id);
  await ctx.store.setQuestionStatus(ctx.spaceId, q.id, 'answering');
  ctx.questions.setStatus(q.id, 'answering');
}

export async function hideQuestion(ctx: RoomContext, raw: unknown): Promise<void> {
  const q = visible(ctx, questionIdOf(raw));
  await ctx.store.setQuestionStatus(ctx.spaceId, q.id, 'hidden');
  ctx.questions.setStatus(q.id, 'hidden');
}

export async function banFromQuestions(ctx: RoomContext, actor: Actor, target: UserId): Promise<void> {
  await ctx.store.addQuestionBan({
    spaceId: ctx.spaceId,
    userId: target,
    bannedBy: me(actor),
    at: ctx.now(),
  });
  ctx.questions.ban(target);
}

export async function setQuestions(ctx: RoomContext, enabled: unknown, slowModeMs: unknown): Promise<void> {
  if (typeof enabled !== 'boolean') throw field('enabled', 'enabled must be a boolean');
  if (
    typeof slowModeMs !== 'number' ||
    !Number.isInteger(slowModeMs) ||
    slowModeMs < 0 ||
    slowModeMs > QUESTION_LIMITS.maxSlowModeMs
  ) {
    throw field('slowModeMs', `slowModeMs must be an integer 0..${QUESTION_LIMITS.maxSlowModeMs}`);
  }
  const settings: QuestionSettings = { enabled, slowModeMs };
  await ctx.store.setQuestionSettings(ctx.spaceId, settings);
  ctx.questions.setSettings(settings);
}

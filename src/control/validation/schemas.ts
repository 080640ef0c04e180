/**
 * Runtime validation of everything that arrives from outside. Each schema is checked against
 * the protocol type it parses (`satisfies`), so the wire types and the validators cannot drift.
 */
import { z } from 'zod';
import { ID_PATTERN, type QuestionId, type SpaceId, type UserId } from '../../protocol/ids.js';
import { QUESTION_LIMITS } from '../../protocol/questions.js';
import { LIMITS, type ReactionEmoji } from '../../protocol/limits.js';
import { cleanUserText } from '../../protocol/text.js';
import type { CreateAccountRequest, CreateSpaceRequest, EditSpaceRequest } from '../../protocol/api.js';
import type { StageClientMessage } from '../../protocol/stage.js';
import type { AudienceClientMessage } from '../../protocol/audience.js';
import { RESTREAM_VIDEO, type StartRestreamRequest } from '../../protocol/restream.js';

const userId = z
  .string()
  .regex(ID_PATTERN)
  .transform((s) => s as UserId);
const ref = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31)
  .optional();
const questionId = z
  .string()
  .regex(ID_PATTERN)
  .transform((s) => s as QuestionId);
/** length and characters are checked by the room (question-commands.ts): payload_too_large or
 *  invalid_field; the message itself is already capped (maxWsMessageBytes, maxJsonBodyBytes) */
const questionText = z.string();
const emoji = z.enum(LIMITS.reactions as unknown as [ReactionEmoji, ...ReactionEmoji[]]);

export const credentialsSchema = z.strictObject({
  handle: z.string().min(1).max(64),
  password: z.string().min(1).max(LIMITS.maxPasswordLength),
}) satisfies z.ZodType<CreateAccountRequest>;

export const createSpaceSchema = z.strictObject({
  // bidi controls and invisible characters are removed before the length checks (protocol/text.ts)
  title: z
    .string()
    .transform((t) => cleanUserText(t))
    .pipe(z.string().min(1).max(LIMITS.maxTitleLength)),
  description: z
    .string()
    .transform((t) => cleanUserText(t, { multiline: true }))
    .pipe(z.string().max(LIMITS.maxDescriptionLength))
    .optional(),
  scheduledFor: z.number().int().positive().optional(),
  allowAnonymous: z.boolean().optional(),
  recording: z.boolean().optional(),
}) satisfies z.ZodType<CreateSpaceRequest>;

/** a host's webhook endpoint for their Space: an absolute http(s) URL (the route checks the policy) */
export const spaceWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(LIMITS.maxWebhookUrlLength),
});
/** PATCH /v1/spaces/:id (at least one field) */
export const editSpaceSchema = z
  .strictObject({
    // cleaned like a new Space's (protocol/text.ts)
    title: z
      .string()
      .transform((t) => cleanUserText(t))
      .pipe(z.string().min(1).max(LIMITS.maxTitleLength))
      .optional(),
    description: z
      .string()
      .transform((t) => cleanUserText(t, { multiline: true }))
      .pipe(z.string().max(LIMITS.maxDescriptionLength))
      .optional(),
    scheduledFor: z.number().int().positive().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: 'nothing to change',
  }) satisfies z.ZodType<EditSpaceRequest>;

/** the delivery log's filters, from the query string */
export const deliveryQuerySchema = z.strictObject({
  state: z.enum(['pending', 'delivered', 'failed']).optional(),
  spaceId: z
    .string()
    .regex(ID_PATTERN)
    .transform((s) => s as SpaceId)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const target = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), userId, ref });
const plain = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), ref });

export const stageClientSchema = z.discriminatedUnion('type', [
  plain('go_live'),
  plain('end_space'),
  target('approve_request'),
  target('decline_request'),
  target('invite_to_stage'),
  target('move_to_audience'),
  plain('leave_stage'),
  target('mute'),
  plain('unmute'),
  plain('mute_self'),
  target('make_cohost'),
  target('remove_cohost'),
  target('transfer_host'),
  target('remove'),
  target('ban'),
  z.strictObject({ type: z.literal('react'), emoji, ref }),
  z.strictObject({ type: z.literal('set_recording'), on: z.boolean(), ref }),
  z.strictObject({ type: z.literal('set_captions'), on: z.boolean(), ref }),
  z.strictObject({ type: z.literal('answer_question'), questionId, ref }),
  z.strictObject({ type: z.literal('now_answering'), questionId: questionId.nullable(), ref }),
  z.strictObject({ type: z.literal('hide_question'), questionId, ref }),
  target('ban_from_questions'),
  z.strictObject({
    type: z.literal('set_questions'),
    enabled: z.boolean(),
    slowModeMs: z.number().int().min(0).max(QUESTION_LIMITS.maxSlowModeMs),
    ref,
  }),
  plain('ping'),
]) satisfies z.ZodType<StageClientMessage>;

export const audienceClientSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('react'), emoji, ref }),
  plain('raise_hand'),
  plain('lower_hand'),
  plain('accept_invite'),
  plain('decline_invite'),
  z.strictObject({ type: z.literal('ask'), text: questionText, ref }),
  z.strictObject({ type: z.literal('upvote'), questionId, ref }),
  plain('ping'),
]) satisfies z.ZodType<AudienceClientMessage>;

export const startRestreamSchema = z.strictObject({
  url: z
    .string()
    .max(LIMITS.maxRestreamUrlLength)
    .regex(/^rtmps?:\/\/[^\s/]+\/\S+$/, 'an rtmp:// or rtmps:// URL with an application and a stream key'),
  video: z.enum(RESTREAM_VIDEO).optional(),
}) satisfies z.ZodType<StartRestreamRequest, unknown>;

/** POST /v1/spaces/:id/questions */
export const askSchema = z.strictObject({ text: questionText });

/**
 * Branded identifiers. A SpaceId is not a UserId even though both travel as strings;
 * the brand makes mixing them a compile error. Parse at the edge with the `as*` helpers.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type SpaceId = Brand<string, 'SpaceId'>;
export type UserId = Brand<string, 'UserId'>;
export type NodeId = Brand<string, 'NodeId'>;
export type SessionId = Brand<string, 'SessionId'>;
export type QuestionId = Brand<string, 'QuestionId'>;

/** ids are url-safe: letters, digits, '-' and '_', 1..64 chars */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
export const asSpaceId = (value: string): SpaceId => value as SpaceId;
export const asUserId = (value: string): UserId => value as UserId;
export const asNodeId = (value: string): NodeId => value as NodeId;
export const asSessionId = (value: string): SessionId => value as SessionId;
export const asQuestionId = (value: string): QuestionId => value as QuestionId;

/**
 * The Lua scripts of the Redis leases adapter. Each runs atomically on the server. Times come
 * from Redis's own TIME (ms since epoch), so node clocks never have to agree.
 *
 * Keys (P = prefix, {k} = the caller's key as a hash tag, so a key's lease and fence share a
 * Redis Cluster slot):  P{k}:lease  hash holder, token; PEXPIRE = the lease ttl
 *                       P{k}:fence  integer, last token granted; never deleted or expired
 *                       P{k}:count  integer counter
 *                       P{k}:parts  hash part -> value;  P{k}:partexp  zset part -> expiresAt ms
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** KEYS lease, fence; ARGV holder, ttlMs -> token | nil */
export const ACQUIRE = `local h = redis.call('HGET', KEYS[1], 'holder')
if h and h ~= ARGV[1] then return nil end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'token', token)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return token`;

/** KEYS lease; ARGV holder, token, ttlMs -> 1 | 0 */
export const RENEW = `local v = redis.call('HMGET', KEYS[1], 'holder', 'token')
if v[1] ~= ARGV[1] or v[2] ~= ARGV[2] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS lease; ARGV holder, token -> 1 | 0 */
export const RELEASE = `local v = redis.call('HMGET', KEYS[1], 'holder', 'token')
if v[1] ~= ARGV[1] or v[2] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/** KEYS lease -> {holder, token, expiresAt} | nil */
export const HOLDER = `local v = redis.call('HMGET', KEYS[1], 'holder', 'token')
if not v[1] then return nil end
local pttl = redis.call('PTTL', KEYS[1])
${NOW}return {v[1], v[2], now + pttl}`;

/** KEYS count; ARGV n, ttlMs ('' for none) -> new value. Without a ttl the key keeps its own. */
export const INCR = `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

/** KEYS parts, partexp; ARGV part, value, ttlMs. Both keys live as long as the longest part. */
export const SET_PART = `${NOW}local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1`;

/** KEYS parts, partexp -> sum of the live parts (drops the expired ones) */
export const SUM = `${NOW}local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
if #dead > 0 then
  redis.call('HDEL', KEYS[1], unpack(dead))
  redis.call('ZREM', KEYS[2], unpack(dead))
end
local s = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do s = s + tonumber(v) end
return s`;

const shas = new Map<string, string>();
const sha1 = (script: string): string => {
  let sha = shas.get(script);
  if (!sha) shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  return sha;
};

/** EVALSHA, falling back to EVAL once when the server does not have the script cached yet. */
export async function runScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(sha1(script), keys.length, ...keys, ...args);
  } catch (e) {
    if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

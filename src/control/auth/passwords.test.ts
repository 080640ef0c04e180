import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RostraError } from '../../core/errors.js';
import {
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  normalizeHandle,
  validatePassword,
  verifyPassword,
} from './passwords.js';

const invalidField = (field: string) => (e: unknown) =>
  e instanceof RostraError && e.code === 'invalid_field' && (e.details as { field: string }).field === field;

void describe('passwords', () => {
  void it('a hash is self-describing and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.match(hash, /^scrypt\$v=1\$n=32768,r=8,p=1,l=32\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterY', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  void it('the same password hashes differently each time (random salt)', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same password', b), true);
  });

  void it('composed and decomposed accents are the same password (NFC)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait');
    assert.equal(await verifyPassword('cafe\u0301 au lait', hash), true);
  });

  void it('old parameters still verify, and needsRehash says they are old', async () => {
    const cheap = { n: 1024, r: 8, p: 1, keyLength: 32, saltLength: 16 };
    const hash = await hashPassword('password-123', cheap);
    assert.match(hash, /\$n=1024,r=8,p=1,l=32\$/);
    assert.equal(await verifyPassword('password-123', hash), true);
    assert.equal(needsRehash(hash), true);
    assert.equal(needsRehash(hash, cheap), false);
    assert.equal(needsRehash(await hashPassword('password-123')), false);
    assert.deepEqual(DEFAULT_SCRYPT, { n: 32768, r: 8, p: 1, keyLength: 32, saltLength: 16 });
  });

  void it('a malformed or tampered stored hash verifies as false', async () => {
    const hash = await hashPassword('password-123', { n: 1024, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    const parts = hash.split('$');
    const flipped = parts[4]!.startsWith('A') ? 'B' + parts[4]!.slice(1) : 'A' + parts[4]!.slice(1);
    assert.equal(await verifyPassword('password-123', [...parts.slice(0, 4), flipped].join('$')), false);
    assert.equal(await verifyPassword('password-123', hash.replace('n=1024', 'n=1000')), false); // not a power of 2
    assert.equal(await verifyPassword('password-123', hash.replace('n=1024', 'n=4194304')), false); // absurd cost
    assert.equal(await verifyPassword('password-123', 'plaintext'), false);
    assert.equal(await verifyPassword('password-123', ''), false);
    assert.equal(needsRehash('garbage'), true);
  });

  void it('passwords must be 8 to 200 characters, counted as people count them', () => {
    assert.throws(() => validatePassword('1234567'), invalidField('password'));
    assert.equal(validatePassword('12345678'), '12345678');
    assert.equal(validatePassword('x'.repeat(200)), 'x'.repeat(200));
    assert.throws(() => validatePassword('x'.repeat(201)), invalidField('password'));
    assert.throws(() => validatePassword('🔥'.repeat(7)), invalidField('password')); // 14 UTF-16 units, 7 chars
    assert.equal(validatePassword('🔥'.repeat(8)), '🔥'.repeat(8));
    assert.throws(() => validatePassword(12345678), invalidField('password'));
    assert.throws(() => validatePassword(undefined), invalidField('password'));
  });
});

void describe('handles', () => {
  void it('a handle is trimmed and lower-cased', () => {
    assert.equal(normalizeHandle('  Alice_01 '), 'alice_01');
    assert.equal(normalizeHandle('abc'), 'abc');
    assert.equal(normalizeHandle('a'.repeat(32)), 'a'.repeat(32));
  });

  void it('a handle outside 3..32 of a-z, 0-9 and _ is refused with invalid_field', () => {
    for (const bad of ['ab', 'a'.repeat(33), 'a-b-c', 'dot.ted', 'with space', '', 'émile', 'ｆｕｌｌ']) {
      assert.throws(() => normalizeHandle(bad), invalidField('handle'), bad);
    }
    assert.throws(() => normalizeHandle(null), invalidField('handle'));
  });

  void it('a Unicode character that lower-cases to ASCII is refused (Kelvin sign)', () => {
    assert.equal('\u212Aate'.toLowerCase(), 'kate');
    assert.throws(() => normalizeHandle('\u212Aate'), invalidField('handle'));
  });
});

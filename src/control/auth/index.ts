export {
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  normalizeHandle,
  validatePassword,
  verifyPassword,
  type ScryptParams,
} from './passwords.js';
export {
  DEFAULT_GRANTS,
  DEFAULT_TOKEN_TTL_S,
  ISSUER,
  MIN_SECRET_BYTES,
  TokenService,
  createTokenService,
  type MintOptions,
  type Principal,
  type TokenServiceOptions,
} from './tokens.js';
export { SECRET_FILE, loadTokenSecret, type SecretSource } from './secret.js';
export {
  createAccountService,
  signIn,
  signUp,
  type AccountOptions,
  type AccountService,
} from './accounts.js';

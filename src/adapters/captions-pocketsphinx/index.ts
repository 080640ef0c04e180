export {
  PocketsphinxEngine,
  pocketsphinxAvailable,
  DEBIAN_MODEL_DIR,
  type PocketsphinxOptions,
} from './pocketsphinx-engine.js';

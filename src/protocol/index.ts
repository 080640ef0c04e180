export * from './ids.js';
export * from './limits.js';
export * from './errors.js';
export * from './space.js';
export * from './stage.js';
export * from './audience.js';
export * from './api.js';
export * from './recording.js';

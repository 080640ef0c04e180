/** Scheduling rules for the HTTP layer; the implementation lives with the lifecycle. */
export { validateSchedule } from './lifecycle.js';

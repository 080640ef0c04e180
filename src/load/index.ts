/** The load generator (`rostra load`): simulated listeners and speaker bots against a node. */
export { runLoadCommand, summaryText } from './command.js';
export { runLoad, type LoadResult } from './run.js';
export { parseLoadFlags, LOAD_HELP, LoadMode, type LoadOptions } from './options.js';
export type { LoadReport, Sample } from './report.js';
export { Histogram, type Percentiles } from './histogram.js';
export { SpeakerBot, type SpeakerBotOptions } from './speaker/speaker-bot.js';
export { TierName, type ListenerTier, type TierListener, type TierTarget } from './tiers/index.js';

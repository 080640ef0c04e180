/**
 * Standalone entry of the load tool until `rostra load` is wired in the CLI:
 *   node --import tsx src/load/main.ts --listeners 200 --duration 10
 */
import { parseArgs } from '../cli/args.js';
import { runLoadCommand } from './command.js';

const { flags } = parseArgs(['load', ...process.argv.slice(2)]);
runLoadCommand(flags).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`rostra load: ${String(e)}\n`);
    process.exitCode = 1;
  },
);

/** Splits `rostra <command> --flag value --bool` into the command and a flag map. */
export function parseArgs(argv: readonly string[]): {
  command: string;
  flags: Record<string, string>;
  rest: string[];
} {
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  let command = '';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        flags[arg.slice(0, eq)] = arg.slice(eq + 1);
        continue;
      }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags[arg] = next;
        i++;
      } else flags[arg] = 'true';
    } else if (arg === '-h') flags['--help'] = 'true';
    else if (!command) command = arg;
    else rest.push(arg);
  }
  return { command, flags, rest };
}

/**
 * CPU time and memory of a process from Linux /proc: /proc/<pid>/stat fields 14-15 (utime,
 * stime, in clock ticks of 1/100 s — USER_HZ is 100 on Linux x86-64 and arm64) and
 * /proc/<pid>/status VmRSS. Returns null when the process is gone or /proc is missing.
 */
import { readFileSync } from 'node:fs';

/** clock ticks per second of /proc/<pid>/stat times */
const USER_HZ = 100;

export interface ProcSample {
  /** user + system CPU time since the process started, µs */
  cpuUs: number;
  /** resident set size, bytes */
  rssBytes: number;
}

export function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // the command name (field 2) may hold spaces: split after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuUs: (ticks * 1e6) / USER_HZ, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

/** CPU of this process, µs (user + system) */
export function selfCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * The CPU mask (hex, as the kernel prints it) of Receive Packet Steering on the loopback
 * device: '0' means the sending core does each receiver's kernel work. '' when unreadable.
 */
export function loopbackRpsCpus(): string {
  try {
    return readFileSync('/sys/class/net/lo/queues/rx-0/rps_cpus', 'latin1').trim();
  } catch {
    return '';
  }
}

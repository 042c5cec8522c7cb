// Who used the CPU during a phase: every process on the machine (the system under test, the
// load generators, and whatever else is running), read from /proc, grouped by a short label.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  at: number;
  ticks: Map<number, { label: string; ticks: number }>;
  machine: { busy: number; total: number };
}

function label(pid: number): string | null {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return null;
  }
  if (!cmdline) return null;
  if (cmdline.startsWith('postgres:')) {
    // "postgres: <user> <database> <client> <state>" for a backend, "postgres: walwriter" etc.
    const parts = cmdline.split(/\s+/);
    return parts.length >= 4 ? `postgres ${parts[2]}` : cmdline;
  }
  if (cmdline.startsWith('nginx:')) return cmdline.replace(/ process.*$/, '');
  if (/\bkafka\.Kafka\b/.test(cmdline)) return 'kafka';
  const script = cmdline.split(' ').find((part) => part.endsWith('.ts') || part.endsWith('.js'));
  const name = cmdline.split(' ')[0]!.split('/').pop()!;
  return script ? `${name} ${script.replace(`${root}/`, '')}` : cmdline.slice(0, 60);
}

export function snapshot(): CpuSnapshot {
  const ticks = new Map<number, { label: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(fields[11]) + Number(fields[12]);
      const name = label(pid);
      if (name) ticks.set(pid, { label: name, ticks: used });
    } catch {
      // gone meanwhile
    }
  }
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { at: performance.now(), ticks, machine: { busy: total - idle, total } };
}

/** The machine's busy share, and the processes that used the most CPU (in cores), between two snapshots. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, top = 8) {
  const seconds = (after.at - before.at) / 1000;
  const byLabel = new Map<string, number>();
  for (const [pid, { label, ticks }] of after.ticks) {
    const used = ticks - (before.ticks.get(pid)?.ticks ?? 0);
    if (used > 0) byLabel.set(label, (byLabel.get(label) ?? 0) + used);
  }
  const busy =
    (after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total);
  return {
    machineBusy: Math.round(busy * 100) / 100,
    topCores: [...byLabel]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([process, used]) => ({
        process,
        cores: Math.round((used / TICKS_PER_SECOND / seconds) * 100) / 100,
      })),
  };
}

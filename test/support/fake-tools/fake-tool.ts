/**
 * Recording stand-ins for terraform and kubectl: small executable node scripts that append each
 * call (argv, cwd, a few environment variables, what stdin is) to a log file and answer with
 * canned output chosen by the first rule whose words all appear in argv.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface FakeRule {
  /** Every one of these words must appear in argv (in any position). */
  readonly when: readonly string[];
  readonly stdout?: string;
  readonly stderr?: string;
  /** @default 0 */
  readonly exitCode?: number;
  /** Wait this long before answering (to test timeouts). */
  readonly sleepMs?: number;
  /**
   * Answer with `failWith` the first this many times the rule matches, then as above
   * (to test retries).
   */
  readonly failFirst?: number;
  readonly failWith?: { readonly stderr: string; readonly exitCode: number };
}

export interface FakeCall {
  readonly tool: string;
  readonly argv: string[];
  readonly cwd: string;
  /** Selected environment variables as the tool saw them. */
  readonly env: Record<string, string | undefined>;
  /** What fd 0 was: `/dev/null` when the caller gave no stdin. */
  readonly stdin: string;
  /** Milliseconds since the epoch when the call started. */
  readonly at: number;
}

export interface FakeTool {
  /** Absolute path of the executable script. */
  readonly path: string;
  /** Calls made so far, in order. */
  calls(): FakeCall[];
}

/** Environment variables every fake records. */
const RECORDED_ENV = ['TF_DATA_DIR', 'TF_IN_AUTOMATION', 'KUBECONFIG', 'OS_CLOUD'];

/**
 * Writes an executable fake `name` into `dir`; its calls are appended to `log` (shared by all
 * fakes of a test, so the order across tools is kept).
 */
export function createFakeTool(dir: string, name: string, rules: readonly FakeRule[], log: string): FakeTool {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const config = JSON.stringify({ name, rules, log, recorded: RECORDED_ENV });
  const script = `#!/usr/bin/env node
// Fake ${name} for jhm's tests: records the call, prints canned output.
const fs = require('fs');
const config = ${config};
const argv = process.argv.slice(2);
let stdin = 'unknown';
try { stdin = fs.readlinkSync('/proc/self/fd/0'); } catch (e) { stdin = 'unknown'; }
const env = {};
for (const k of config.recorded) env[k] = process.env[k];
fs.appendFileSync(config.log, JSON.stringify({ tool: config.name, argv, cwd: process.cwd(), env, stdin, at: Date.now() }) + '\\n');
const index = config.rules.findIndex((r) => r.when.every((w) => argv.includes(w)));
let rule = index >= 0 ? config.rules[index] : {};
if (rule.failFirst) {
  const counter = config.log + '.' + config.name + '.' + index + '.count';
  const seen = fs.existsSync(counter) ? Number(fs.readFileSync(counter, 'utf8')) : 0;
  fs.writeFileSync(counter, String(seen + 1));
  if (seen < rule.failFirst) rule = rule.failWith;
}
setTimeout(() => {
  if (rule.stdout) process.stdout.write(rule.stdout);
  if (rule.stderr) process.stderr.write(rule.stderr);
  process.exitCode = rule.exitCode || 0;
}, rule.sleepMs || 0);
`;
  fs.writeFileSync(file, script, { mode: 0o755 });
  return {
    path: file,
    calls: () => readCalls(log).filter((c) => c.tool === name),
  };
}

/** Every call recorded in `log`, in order. */
export function readCalls(log: string): FakeCall[] {
  if (!fs.existsSync(log)) return [];
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FakeCall);
}

/**
 * age, for the data keys of sops files, through `age-encryption` (the reference TypeScript
 * implementation of age, by its authors): wrapping a data key for recipients (`age1…`) and
 * unwrapping it with the user's identities (`AGE-SECRET-KEY-1…`), each as an armored age file,
 * as sops stores them (`age/keysource.go`: the raw data key, age-encrypted, ASCII-armored).
 *
 * `age-encryption` is an ES module whose API is asynchronous, while jhm reads secrets files
 * synchronously (`loadSecrets`, deep inside a synth). So it runs in a worker thread, started once
 * per process and unreferenced (it never keeps the process alive): each call posts a request and
 * waits on a shared flag (`Atomics.wait`) until the worker answers. Keys travel by message, in
 * memory only; nothing is written to disk.
 *
 * The identities come from sops's variables: `SOPS_AGE_KEY` (keys separated by spaces or lines)
 * and `SOPS_AGE_KEY_FILE` (a key file as `age-keygen` writes it: one key a line, `#` comments).
 */
import * as fs from 'fs';
import { pathToFileURL } from 'url';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { UserError } from '../model/errors';

/** The variables sops (and jhm) read the user's age identities from. */
export const AGE_KEY_VARIABLES = ['SOPS_AGE_KEY_FILE', 'SOPS_AGE_KEY'] as const;

/** How long a call waits for the worker (the first call loads `age-encryption`: about a second). */
const TIMEOUT_MS = 60_000;

/** The worker: plain JavaScript, evaluated by node (not by the bundler or ts-jest). */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { port, flag } = workerData;
const loaded = import(workerData.module);
const NO_MATCH = /no identity matched/;
port.on('message', async (req) => {
  let res;
  try {
    const age = await loaded;
    if (req.op === 'wrap') {
      const out = [];
      for (const r of req.recipients) {
        const e = new age.Encrypter();
        e.addRecipient(r);
        out.push(age.armor.encode(await e.encrypt(req.key)));
      }
      res = { ok: out };
    } else if (req.op === 'unwrap') {
      const d = new age.Decrypter();
      for (const i of req.identities) d.addIdentity(i);
      let key = null;
      for (const enc of req.encs) {
        try {
          key = await d.decrypt(age.armor.decode(enc));
          break;
        } catch (e) {
          if (!NO_MATCH.test(String(e && e.message))) throw e;
        }
      }
      res = { ok: key };
    } else if (req.op === 'recipient') {
      res = { ok: await age.identityToRecipient(req.identity) };
    } else if (req.op === 'keygen') {
      const identity = await age.generateIdentity();
      res = { ok: { identity, recipient: await age.identityToRecipient(identity) } };
    } else {
      res = { error: 'unknown request' };
    }
  } catch (e) {
    res = { error: String((e && e.message) || e) };
  }
  port.postMessage(res);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Bridge {
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

let bridge: Bridge | undefined;

function start(): Bridge {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const module = pathToFileURL(require.resolve('age-encryption')).href;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag, module }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return { port: port1, flag };
}

/** Thrown when age itself refuses (a malformed armored key, recipient or identity). */
export class AgeError extends Error {}

function call<T>(request: Record<string, unknown>): T {
  bridge ??= start();
  const { port, flag } = bridge;
  Atomics.store(flag, 0, 0);
  port.postMessage(request);
  if (Atomics.wait(flag, 0, 0, TIMEOUT_MS) === 'timed-out') {
    bridge = undefined;
    throw new Error(`age-encryption did not answer within ${TIMEOUT_MS / 1000} s`);
  }
  const reply = receiveMessageOnPort(port)?.message as { ok?: T; error?: string } | undefined;
  if (reply === undefined) throw new Error('age-encryption sent no answer');
  if (reply.error !== undefined) throw new AgeError(reply.error);
  return reply.ok as T;
}

/** `dataKey` encrypted for each recipient, one armored age file each, in order. */
export function ageWrap(dataKey: Uint8Array, recipients: readonly string[]): string[] {
  return call<string[]>({ op: 'wrap', key: dataKey, recipients: [...recipients] });
}

/**
 * The data key from the first armored age file (`encs`) one of `identities` opens; `undefined`
 * when none of them is for any of the identities.
 */
export function ageUnwrap(encs: readonly string[], identities: readonly string[]): Uint8Array | undefined {
  const key = call<Uint8Array | null>({ op: 'unwrap', encs: [...encs], identities: [...identities] });
  return key === null ? undefined : new Uint8Array(key);
}

/** The recipient (`age1…`) of an identity. */
export function ageRecipientOf(identity: string): string {
  return call<string>({ op: 'recipient', identity });
}

/** A new identity and its recipient (for tests, which use throwaway keys). */
export function ageKeygen(): { identity: string; recipient: string } {
  return call<{ identity: string; recipient: string }>({ op: 'keygen' });
}

const IDENTITY = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/;
const RECIPIENT = /^age1[0-9a-z]+$/;

/** Whether `s` looks like an age recipient (`age1…`); age checks it fully when it encrypts. */
export function isAgeRecipient(s: string): boolean {
  return RECIPIENT.test(s);
}

/**
 * The user's age identities, from `SOPS_AGE_KEY_FILE` and `SOPS_AGE_KEY` (as sops reads them).
 * `forFile` names the file that needs them in the errors: none set, an unreadable key file, or a
 * line that is not an age identity (never quoted: it may be a key).
 */
export function ageIdentities(forFile: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const ids: string[] = [];
  const keyFile = env.SOPS_AGE_KEY_FILE;
  if (keyFile) {
    let text: string;
    try {
      text = fs.readFileSync(keyFile, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read SOPS_AGE_KEY_FILE (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
        file: forFile,
        fix: 'set SOPS_AGE_KEY_FILE to the path of your age key file',
      });
    }
    const found = identityLines(text, false, 'SOPS_AGE_KEY_FILE', forFile);
    if (found.length === 0) throw new UserError('SOPS_AGE_KEY_FILE holds no age key', { file: forFile, fix: 'point it at the key file age-keygen wrote (a line AGE-SECRET-KEY-1…)' });
    ids.push(...found);
  }
  if (env.SOPS_AGE_KEY) ids.push(...identityLines(env.SOPS_AGE_KEY, true, 'SOPS_AGE_KEY', forFile));
  if (ids.length === 0) {
    throw new UserError('is encrypted with sops, and no age key is set to decrypt it', {
      file: forFile,
      fix: 'set SOPS_AGE_KEY_FILE to your age key file (or SOPS_AGE_KEY to the key)',
    });
  }
  return ids;
}

/** The identities of a key text: one a line, or (`words`) any number a line; `#` lines are comments. */
function identityLines(text: string, words: boolean, variable: string, forFile: string): string[] {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    for (const id of words ? line.split(/\s+/) : [line]) {
      if (!IDENTITY.test(id)) {
        throw new UserError(`${variable}: line ${i + 1} is not an age identity`, { file: forFile, fix: `give ${variable} age keys (AGE-SECRET-KEY-1…), as age-keygen writes them` });
      }
      out.push(id);
    }
  });
  return out;
}

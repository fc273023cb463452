/**
 * Questions on a terminal (`jhm init` and `jhm init-cluster` ask for the options they were not
 * given). Node's own readline; each answer is checked, and the question is asked again with the
 * reason until the answer passes. Questions go to standard error, so standard output stays the
 * command's output. Ctrl-C ends the command as the signal does anywhere else; an input that ends
 * (Ctrl-D) before an answer is a one-line error.
 */
import { createInterface, Interface } from 'readline/promises';
import { UserError } from '../model/errors';

export interface PromptStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/** True when a person can answer: standard input and standard error are both terminals (as `jhm deploy` decides). */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}

/** A problem with an answer (shown before the question is asked again), or undefined when it is fine. */
export type AnswerCheck = (answer: string) => string | undefined;

export class Prompter {
  private readonly rl: Interface;
  private readonly output: NodeJS.WritableStream;
  private closed = false;

  constructor(streams: PromptStreams = { input: process.stdin, output: process.stderr }) {
    this.output = streams.output;
    this.rl = createInterface({ input: streams.input, output: streams.output, terminal: Boolean((streams.input as { isTTY?: boolean }).isTTY) });
    this.rl.on('close', () => (this.closed = true));
    // Without a listener readline swallows Ctrl-C; the process's own handling ends the command.
    this.rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  }

  /** Asks `question` until `check` accepts the (trimmed) answer. */
  public async ask(question: string, check: AnswerCheck): Promise<string> {
    for (;;) {
      const answer = (await this.question(`${question} `)).trim();
      const problem = check(answer);
      if (problem === undefined) return answer;
      this.output.write(`  ${problem}\n`);
    }
  }

  public close(): void {
    this.rl.close();
  }

  /** One answer; rejects with a one-line error when the input ends first. */
  private question(text: string): Promise<string> {
    if (this.closed) return Promise.reject(noAnswer());
    return new Promise((resolve, reject) => {
      const onClose = () => reject(noAnswer());
      this.rl.once('close', onClose);
      this.rl.question(text).then(
        (a) => (this.rl.off('close', onClose), resolve(a)),
        (e: unknown) => (this.rl.off('close', onClose), reject(e)),
      );
    });
  }
}

function noAnswer(): UserError {
  return new UserError('the input ended before every question was answered', { fix: 'answer every question, or give the options on the command line: see --help' });
}

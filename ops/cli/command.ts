import type { Config } from '../config';

/** A CLI command: its words, one usage line, and a handler returning the exit code (-1: keep running). */
export interface Command {
  name: string;
  usage: string;
  /** Commands that must work without a valid config (x12) set this. */
  configFree?: boolean;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

export interface CommandContext {
  /** Throws ConfigError on a bad environment; loaded on first use. */
  config(): Config;
  log(line: string): void;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export class UsageError extends Error {
  readonly code = 'USAGE';
}

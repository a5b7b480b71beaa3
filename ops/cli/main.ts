import { x12Command } from '../../x12/cli';
import { loadConfig, type Config } from '../config';
import { UsageError, type Command, type CommandContext } from './command';
import { reportFatal } from './report';

const x12: Command = {
  name: 'x12',
  usage: 'x12 parse <file|-> [--strict] | x12 validate <file>',
  configFree: true,
  run: (args, ctx) =>
    x12Command(args, { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr }),
};

/**
 * Every command module registers here; the longest matching name wins. Loaded only
 * for the commands that need them: they bring Nest, Temporal and the database
 * clients, some 150 MB of RSS that an x12 stream of a 1 GB file must not carry.
 */
async function loadCommands(): Promise<Command[]> {
  const [stack, claims, retention, security, workflows, backup] = await Promise.all([
    import('./stack.commands.js'),
    import('./claims.commands.js'),
    import('./retention.commands.js'),
    import('./security.commands.js'),
    import('./workflows.commands.js'),
    import('./backup.commands.js'),
  ]);
  return [
    ...stack.stackCommands,
    ...claims.claimsCommands,
    ...retention.retentionCommands,
    ...security.securityCommands,
    ...workflows.workflowsCommands,
    ...backup.backupCommands,
    x12,
  ];
}

function usage(commands: Command[]): string {
  return `usage: bin/claimflow <command>\n\n${commands.map((c) => `  ${c.usage}`).join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const commands = argv[0] === x12.name ? [x12] : await loadCommands();
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0]!)) {
    process.stdout.write(usage(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const match = commands
    .filter((c) => {
      const words = c.name.split(' ');
      return words.every((w, i) => argv[i] === w);
    })
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!match) throw new UsageError(`unknown command "${argv.join(' ')}"; run bin/claimflow help`);
  let config: Config | undefined;
  const ctx: CommandContext = {
    config: () => (config ??= loadConfig()),
    log: (line) => process.stderr.write(`claimflow: ${line}\n`),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  };
  return match.run(argv.slice(match.name.split(' ').length), ctx);
}

main(process.argv.slice(2))
  .then((code) => {
    if (code >= 0) process.exitCode = code;
  })
  .catch((err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`claimflow: ${err.message}\n`);
      process.exit(2);
    }
    reportFatal('cli')(err);
  });

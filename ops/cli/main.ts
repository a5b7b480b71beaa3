import { x12Command } from '../../x12/cli';
import { loadConfig, type Config } from '../config';
import { UsageError, type Command, type CommandContext } from './command';
import { reportFatal } from './report';
import { securityCommands } from './security.commands';
import { claimsCommands } from './claims.commands';
import { retentionCommands } from './retention.commands';
import { stackCommands } from './stack.commands';
import { workflowsCommands } from './workflows.commands';
import { backupCommands } from './backup.commands';

/** Every command module registers here; the longest matching name wins. */
const commands: Command[] = [
  ...stackCommands,
  ...claimsCommands,
  ...retentionCommands,
  ...securityCommands,
  ...workflowsCommands,
  ...backupCommands,
  {
    name: 'x12',
    usage: 'x12 parse <file|-> [--strict] | x12 validate <file>',
    configFree: true,
    run: (args, ctx) =>
      x12Command(args, { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr }),
  },
];

function usage(): string {
  return `usage: bin/claimflow <command>\n\n${commands.map((c) => `  ${c.usage}`).join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0]!)) {
    process.stdout.write(usage());
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

import { parseArgs } from 'node:util';
import { createDatabase } from '../../db/database';
import { RetentionRepository } from '../../db/repositories/retention.repository';
import { ownerDatabaseUrl } from '../runtime';
import { UsageError, type Command } from './command';

/** HIPAA keeps documentation six years; state laws often ask for more. Less than one is refused. */
const DEFAULT_YEARS = 7;

export const retentionCommands: Command[] = [
  {
    name: 'retention run',
    usage:
      'retention run [--years N] [--dry-run]     remove PHI past its retention (never audit events)',
    async run(args, ctx) {
      const { values } = parseArgs({
        args,
        options: { years: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      });
      const years = values.years === undefined ? DEFAULT_YEARS : Number(values.years);
      if (!Number.isInteger(years) || years < 1 || years > 100)
        throw new UsageError('--years must be a whole number from 1 to 100');
      const cutoff = new Date();
      cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
      const owner = createDatabase(ownerDatabaseUrl(ctx.config()), { max: 1 });
      try {
        const reports = await RetentionRepository.purgeExpiredPhiUnscoped(owner, cutoff, {
          dryRun: !!values['dry-run'],
        });
        ctx.stdout.write(
          `${JSON.stringify({ cutoff: cutoff.toISOString(), dryRun: !!values['dry-run'], tenants: reports })}\n`,
        );
        return 0;
      } finally {
        await owner.destroy();
      }
    },
  },
];

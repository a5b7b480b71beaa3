import {
  InsertQueryNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { Counter } from 'prom-client';

/**
 * Counts the rows a process inserts into the tables it watches (claims,
 * audit events), from the statements' own results: a claim inserted once is
 * counted once, however often its ingestion is retried, since a repeated
 * insert conflicts and inserts nothing.
 */
export class WriteMetricsPlugin implements KyselyPlugin {
  private readonly pending = new WeakMap<object, Counter>();

  constructor(private readonly counters: Record<string, Counter>) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (InsertQueryNode.is(args.node)) {
      const counter = this.counters[args.node.into?.table.identifier.name ?? ''];
      if (counter) this.pending.set(args.queryId, counter);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const counter = this.pending.get(args.queryId);
    if (counter) {
      const n = args.result.numAffectedRows ?? BigInt(args.result.rows.length);
      if (n > 0n) counter.inc(Number(n));
    }
    return args.result;
  }
}

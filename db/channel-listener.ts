import { Client } from 'pg';

export interface ChannelEvents {
  /** Listening: from now on no notification on the channel is missed. */
  up(): void;
  /** Not listening: notifications may be missed until the next up(). */
  down(): void;
  message(payload: string): void;
}

/**
 * One connection that LISTENs on a channel and reconnects, a second apart,
 * whenever it is lost; its owner hears exactly when it may have missed a
 * notification.
 */
export class ChannelListener {
  private client: Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly applicationName: string,
    private readonly events: ChannelEvents,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error('channel must be a plain identifier');
  }

  /** Resolves once listening or once the first attempt failed (it then keeps trying). */
  async start(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      connectionString: this.url,
      application_name: this.applicationName,
      connectionTimeoutMillis: 5_000,
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.events.down();
      client.end().catch(() => undefined);
      if (!this.closed) this.retry = setTimeout(() => void this.start(), 1_000).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (n.channel === this.channel) this.events.message(n.payload ?? '');
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (this.client === client && !this.closed) this.events.up();
    } catch {
      lost();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.events.down();
    await client?.end().catch(() => undefined);
  }
}

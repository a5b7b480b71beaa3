import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChannelListener } from '../db/channel-listener';
import type { SessionRepository } from '../db/repositories/session.repository';
import type { Config } from '../ops/config';
import { applicationDatabaseUrl } from '../ops/runtime';
import { CONFIG } from './tokens';

export type SessionRow = NonNullable<Awaited<ReturnType<typeof SessionRepository.forToken>>>;

/** The channel migration 2026120201's triggers notify with a user id on every change to auth data. */
export const AUTH_CHANNEL = 'claimflow_auth';
/** How the listening connection shows in pg_stat_activity. */
export const LISTENER_NAME = `claimflow-auth-listener-${process.pid}`;

/** An entry's life by the caller's clock; the idle limit is checked on every use. */
const TTL_MS = 15_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  row: SessionRow;
  at: number;
}

/**
 * Sessions that authenticated recently, so a signed-in user's next requests
 * skip the session read (half of the database round trips of a queue page).
 *
 * Only a live, MFA-verified session of an active user is kept, for at most
 * 15 seconds by the caller's clock. Every change to sessions, users or role
 * assignments, from any process, reaches every API process through
 * LISTEN/NOTIFY and drops the user's entries; this process's own revocations
 * drop them before they answer. Whenever the listening connection is down the
 * cache is empty and stays unused until it is back, so nothing is served that
 * a missed notification could have changed.
 */
@Injectable()
export class SessionCache implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Moves on every notification and every reconnection: a read begun before it is not kept. */
  private generation = 0;
  private listening = false;
  private readonly listener: ChannelListener;

  constructor(@Inject(CONFIG) config: Config) {
    this.listener = new ChannelListener(
      applicationDatabaseUrl(config),
      AUTH_CHANNEL,
      LISTENER_NAME,
      {
        up: () => {
          this.drop();
          this.listening = true;
        },
        down: () => {
          this.listening = false;
          this.drop();
        },
        message: (userId) => (userId ? this.forgetUser(userId) : this.drop()),
      },
    );
  }

  onModuleInit(): Promise<void> {
    return this.listener.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.listener.close();
  }

  /** Whether entries are being kept (the listener is connected). */
  get active(): boolean {
    return this.listening;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: Date): SessionRow | undefined {
    if (!this.listening) return undefined;
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (now.getTime() - e.at >= TTL_MS || now.getTime() < e.at) {
      this.forget(key);
      return undefined;
    }
    return e.row;
  }

  /** Taken before the database read whose result may be kept. */
  mark(): number {
    return this.generation;
  }

  put(key: string, row: SessionRow, mark: number, now: Date): void {
    if (!this.listening || mark !== this.generation) return;
    if (row.revoked_at || !row.mfa_verified_at || row.user_status !== 'active') return;
    if (this.entries.size >= MAX_ENTRIES) this.drop();
    this.entries.set(key, { row, at: now.getTime() });
    let keys = this.byUser.get(row.user_id);
    if (keys === undefined) this.byUser.set(row.user_id, (keys = new Set()));
    keys.add(key);
  }

  forget(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.byUser.get(e.row.user_id)?.delete(key);
  }

  forgetUser(userId: string): void {
    this.generation++;
    const keys = this.byUser.get(userId);
    if (keys === undefined) return;
    this.byUser.delete(userId);
    for (const key of keys) this.entries.delete(key);
  }

  private drop(): void {
    this.generation++;
    this.entries.clear();
    this.byUser.clear();
  }
}

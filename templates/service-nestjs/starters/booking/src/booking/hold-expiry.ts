/**
 * Holds end by themselves: a hold whose hold_expires_at has passed becomes `expired`.
 *
 * The database does the change (app_<app>.expire_due_holds(): every due hold of every tenant, with
 * a new version and an `updated` event each); this service decides when to call it. With REDIS_URL
 * set, through BullMQ queue `booking-holds` (keys under REDIS_PREFIX):
 *   - `expire`: a delayed job at a hold's hold_expires_at, added when a hold is created or its
 *     expiry moved (job id per booking and version, so a retried request adds it once);
 *   - `sweep`: a repeatable job every SWEEP_EVERY_MS, for holds whose job was lost (Redis flushed,
 *     written by another client of the database, expiry moved earlier by a second change).
 * Without REDIS_URL (the skeleton's own tests, a quick local run), a timer of this process sweeps
 * instead. Either way calling expire_due_holds() early or twice is harmless: it only touches due holds.
 *
 * The worker runs as the service's login role itself, outside any user's request: the migration
 * gives that role EXECUTE on expire_due_holds() (SECURITY DEFINER) and nothing else, so it cannot
 * read the bookings it expired. Clients get `booking.changed` with `booking: null` and refetch.
 */
import { once } from "node:events";
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from "@nestjs/common";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { CONFIG, type Config } from "../config.js";
import { Database } from "../db/database.js";
import { BOOKING_APPS } from "./apps.js";
import { BookingGateway } from "./booking.gateway.js";
import type { Booking } from "./booking.schema.js";

export const HOLDS_QUEUE = "booking-holds";
export const SWEEP_EVERY_MS = 60_000;
const ADD_TIMEOUT_MS = 2_000;
const READY_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 5_000;

interface HoldJob {
  /** The app whose holds to expire; every booking app when absent (the sweep). */
  app?: string;
}

export interface ExpiredHold {
  app: string;
  tenantId: string;
  bookingId: string;
  version: number;
}

@Injectable()
export class HoldExpiry
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(HoldExpiry.name);
  private redis?: Redis;
  private queue?: Queue<HoldJob>;
  private worker?: Worker<HoldJob>;
  private timer?: NodeJS.Timeout;
  private unreachable = false;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(Database) private readonly database: Database,
    @Inject(BookingGateway) private readonly gateway: BookingGateway,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const redis = this.config.redis;
    if (redis === undefined) {
      this.logger.warn(
        `REDIS_URL is not set: due holds are expired by this process every ${SWEEP_EVERY_MS / 1000} s`,
      );
      this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
      this.timer.unref();
      return;
    }
    // BullMQ's worker blocks on Redis: its commands wait for a reconnect instead of failing.
    this.redis = new Redis(redis.url, { maxRetriesPerRequest: null });
    this.redis.on("error", (error: Error) => this.redisError(error));
    // The queue and its worker start once Redis answers: BullMQ's every call (closing too) waits
    // for a connection that has been ready once, so none is made before.
    this.redis.on("ready", () => {
      this.unreachable = false;
      this.start(redis.prefix);
    });
    // Started with Redis ready, so that the first holds get their jobs; never held up by it.
    await Promise.race([
      once(this.redis, "ready"),
      new Promise((resolve) => setTimeout(resolve, READY_TIMEOUT_MS).unref()),
    ]).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const closing = Promise.allSettled([
      this.worker?.close(),
      this.queue?.close(),
    ]);
    // Closing a worker waits for Redis: if it went away, give up after a while.
    await Promise.race([
      closing,
      new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref()),
    ]);
    this.redis?.disconnect();
  }

  private start(prefix: string): void {
    if (this.queue !== undefined || this.redis === undefined) {
      return;
    }
    const options = { connection: this.redis, prefix };
    this.queue = new Queue<HoldJob>(HOLDS_QUEUE, options);
    this.worker = new Worker<HoldJob>(HOLDS_QUEUE, (job) => this.process(job), {
      ...options,
      concurrency: 1,
    });
    // Every connection reports a lost Redis, again at each reconnect attempt: said once.
    this.queue.on("error", (error) => this.redisError(error));
    this.worker.on("error", (error) => this.redisError(error));
    this.worker.on("failed", (job, error) =>
      this.logger.error(`${job?.name ?? "job"} failed: ${error.message}`),
    );
    this.queue
      .upsertJobScheduler(
        "sweep",
        { every: SWEEP_EVERY_MS },
        // Kept neither when done nor (beyond a few) when failed: one runs every minute.
        {
          name: "sweep",
          data: {},
          opts: { removeOnComplete: true, removeOnFail: 100 },
        },
      )
      .catch((error: unknown) =>
        this.logger.error(`could not schedule the sweep: ${String(error)}`),
      );
  }

  private redisError(error: Error): void {
    if (!this.unreachable) {
      this.unreachable = true;
      this.logger.warn(
        `redis: ${error.message} (retrying; holds expire once it answers)`,
      );
    }
  }

  /**
   * After a hold was written: its expiry, scheduled (nothing for any other status). Skipped while
   * Redis is unreachable, and given up after ADD_TIMEOUT_MS: a request must not wait for Redis.
   * The sweep expires such a hold, up to SWEEP_EVERY_MS late.
   */
  async scheduled(app: string, booking: Booking): Promise<void> {
    if (
      booking.status !== "hold" ||
      booking.holdExpiresAt === null ||
      this.config.redis === undefined
    ) {
      return;
    }
    if (this.redis?.status !== "ready" || this.queue === undefined) {
      throw new Error(`redis is ${this.redis?.status ?? "not configured"}`);
    }
    const delay = Math.max(0, Date.parse(booking.holdExpiresAt) - Date.now());
    const added = this.queue.add(
      "expire",
      { app },
      {
        delay,
        // One job per version of a hold (BullMQ refuses ':' in custom ids).
        jobId: `expire-${app}-${booking.id}-${booking.version}`,
        removeOnComplete: true,
        removeOnFail: 100,
        attempts: 5,
        backoff: { type: "exponential", delay: 1_000 },
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from redis in ${ADD_TIMEOUT_MS} ms`)),
        ADD_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([added, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every due hold of `app` (of every booking app without one) expired now; the clients told. */
  async expireDue(app?: string): Promise<ExpiredHold[]> {
    const expired: ExpiredHold[] = [];
    for (const [name, tables] of BOOKING_APPS) {
      if (app !== undefined && app !== name) {
        continue;
      }
      const { rows } = await this.database.pool.query<{
        tenant_id: string;
        booking_id: string;
        version: number;
      }>(
        `select tenant_id, booking_id, version from ${escapeIdentifier(tables.schema)}.expire_due_holds()`,
      );
      for (const row of rows) {
        expired.push({
          app: name,
          tenantId: row.tenant_id,
          bookingId: row.booking_id,
          version: row.version,
        });
        this.gateway.bookingChanged(row.tenant_id, {
          app: name,
          type: "updated",
          booking: null,
          bookingId: row.booking_id,
        });
      }
    }
    if (expired.length > 0) {
      this.logger.log(`expired ${expired.length} hold(s)`);
    }
    return expired;
  }

  private async process(job: Job<HoldJob>): Promise<void> {
    await this.expireDue(job.data.app);
  }

  private async sweep(): Promise<void> {
    try {
      await this.expireDue();
    } catch (error) {
      this.logger.error(
        `sweep failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

const escapeIdentifier = (name: string): string =>
  `"${name.replaceAll('"', '""')}"`;

import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { messageOf, ReserveError, UsageError } from "../errors.js";
import { makeFolders } from "../folders.js";
import { describeSqliteError, isSqliteError, openFailure, readOnlyDirectory } from "./sqlite-errors.js";
import { canTakeOver, isReservable } from "./rules.js";
import { deleteExpiredRuns, releaseHead } from "./sqlite-admin.js";
import type {
  Head,
  InitResult,
  Outcome,
  ReleaseRequest,
  ReleaseResult,
  Reservation,
  ReserveRequest,
  RunRecord,
  RunState,
  Store,
  TakeoverRequest,
} from "./types.js";

const schema = `
CREATE TABLE IF NOT EXISTS heads (
  job_id TEXT PRIMARY KEY,
  counter INTEGER NOT NULL,
  node TEXT NOT NULL,
  token TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  lease_until_ms INTEGER NOT NULL,
  state TEXT NOT NULL,
  occurrence_ms INTEGER,
  retry_key TEXT,
  retry_attempt INTEGER
);
CREATE TABLE IF NOT EXISTS runs (
  job_id TEXT NOT NULL,
  counter INTEGER NOT NULL,
  node TEXT NOT NULL,
  time TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  token TEXT NOT NULL,
  state TEXT NOT NULL,
  exit_code INTEGER,
  duration_ms INTEGER,
  command TEXT,
  signal TEXT,
  forced INTEGER,
  occurrence_ms INTEGER,
  PRIMARY KEY (job_id, counter)
);`;

/**
 * Columns outside requiredColumns, added to a store file that lacks them when it is opened:
 * those added after the first release, and `signal`, so that any file with the required
 * columns works.
 */
const addedColumns: Array<[table: string, column: string, type: string]> = [
  ["heads", "occurrence_ms", "INTEGER"],
  ["heads", "retry_key", "TEXT"],
  ["heads", "retry_attempt", "INTEGER"],
  ["runs", "signal", "TEXT"],
  ["runs", "forced", "INTEGER"],
  ["runs", "occurrence_ms", "INTEGER"],
  ["runs", "expires_at", "INTEGER"],
  ["runs", "released_by", "TEXT"],
  ["runs", "released_ms", "INTEGER"],
  ["runs", "log_url", "TEXT"],
  ["runs", "log_error", "TEXT"],
];

/**
 * Columns that every runjop store file has had since the first release. A file whose tables lack
 * one was written by another program.
 */
const requiredColumns: Array<[table: string, columns: string[]]> = [
  ["heads", ["job_id", "counter", "node", "token", "start_ms", "lease_until_ms", "state"]],
  ["runs", ["job_id", "counter", "node", "time", "start_ms", "token", "state", "exit_code", "duration_ms", "command"]],
];

/** Milliseconds a writer waits for another process's transaction before failing. */
const busyTimeoutMs = 15000;

type Row = Record<string, SQLInputValue>;

/**
 * The embedded store: one SQLite file shared by the cron entries and users of one host.
 * Each reservation is one IMMEDIATE transaction, which takes SQLite's write lock before
 * reading, so the check and the write are atomic across processes, as DynamoDB's
 * conditional write is across hosts.
 */
export class SqliteStore implements Store {
  readonly description: string;

  private constructor(
    private readonly db: DatabaseSync,
    readonly path: string,
    /** Whether the file existed before this store opened it. */
    private readonly existed: boolean,
  ) {
    this.description = `embedded store ${path}`;
  }

  /**
   * Opens the store file, creating it and its tables unless `readOnly`. A read-only store serves
   * the subcommands that only read, so that they work on a file the user cannot write.
   */
  static async open(path: string, options: { readOnly?: boolean } = {}): Promise<SqliteStore> {
    const readOnly = options.readOnly ?? false;
    const { DatabaseSync } = await import("node:sqlite");
    if (!readOnly) {
      try {
        makeFolders(dirname(path));
      } catch (error) {
        throw new UsageError(
          `cannot create the folder of the embedded store ${path}: ${messageOf(error)}; pass --store-path with a writable file`,
          { cause: error },
        );
      }
    }
    let db: DatabaseSync | undefined;
    const existed = existsSync(path);
    try {
      if (readOnly) {
        db = openReadOnly(DatabaseSync, path);
      } else {
        db = new DatabaseSync(path);
        db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec(schema);
      }
      const columns = readColumns(db);
      checkSchema(columns, path);
      if (!readOnly) addMissingColumns(db, columns);
    } catch (error) {
      if (db?.isOpen) db.close();
      throw openFailure(error, path, readOnly, busyTimeoutMs) ?? error;
    }
    return new SqliteStore(db, path, existed);
  }

  async reserve(request: ReserveRequest): Promise<Reservation> {
    return this.transaction(`reserve job ${request.jobId} in`, () => {
      const head = this.readHeadSync(request.jobId);
      if (head && !isReservable(head, request)) return { won: false, holder: head, attempts: 1 };
      const counter = (head?.counter ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO heads (job_id, counter, node, token, start_ms, lease_until_ms, state, occurrence_ms, retry_key, retry_attempt)
           VALUES ($job, $counter, $node, $token, $start, $lease, 'running', $occurrence, $retryKey, $retryAttempt)
           ON CONFLICT (job_id) DO UPDATE SET counter = excluded.counter, node = excluded.node,
             token = excluded.token, start_ms = excluded.start_ms,
             lease_until_ms = excluded.lease_until_ms, state = 'running',
             occurrence_ms = coalesce(excluded.occurrence_ms, heads.occurrence_ms),
             retry_key = excluded.retry_key, retry_attempt = excluded.retry_attempt`,
        )
        .run({
          $job: request.jobId,
          $counter: counter,
          $node: request.node,
          $token: request.token,
          $start: request.nowMs,
          $lease: request.nowMs + request.leaseMs,
          $occurrence: request.occurrenceMs ?? null,
          $retryKey: request.retry?.key ?? null,
          $retryAttempt: request.retry?.attempt ?? null,
        });
      const abandoned = head && head.state === "running" ? head : undefined;
      return { won: true, counter, abandoned, attempts: 1 };
    });
  }

  async takeOver(request: TakeoverRequest): Promise<Reservation> {
    return this.transaction(`take over job ${request.jobId} in`, () => {
      const head = this.readHeadSync(request.jobId);
      if (!head || !canTakeOver(head, request)) return { won: false, holder: head, attempts: 1 };
      const counter = head.counter + 1;
      this.db
        .prepare(
          `UPDATE heads SET counter = $counter, node = $node, token = $token, start_ms = $start,
             lease_until_ms = $lease, state = 'running'
           WHERE job_id = $job`,
        )
        .run({
          $job: request.jobId,
          $counter: counter,
          $node: request.node,
          $token: request.token,
          $start: request.nowMs,
          $lease: request.nowMs + request.leaseMs,
        });
      return { won: true, counter, abandoned: head, attempts: 1 };
    });
  }

  async recordStart(run: RunRecord, abandoned?: Head): Promise<void> {
    this.transaction("write to", () => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO runs (job_id, counter, node, time, start_ms, token, state, command, expires_at, forced, occurrence_ms)
           VALUES ($job, $counter, $node, $time, $start, $token, $state, $command, $expires, $forced, $occurrence)`,
        )
        .run({
          $job: run.jobId,
          $counter: run.counter,
          $node: run.node,
          $time: run.time,
          $start: run.startMs,
          $token: run.token,
          $state: run.state,
          $command: run.command ?? null,
          $expires: run.expiresAt ?? null,
          $forced: run.forced ? 1 : null,
          $occurrence: run.occurrenceMs ?? null,
        });
      deleteExpiredRuns(this.db, run.jobId, run.startMs);
      if (abandoned) {
        this.db
          .prepare(
            `UPDATE runs SET state = 'abandoned' WHERE job_id = $job AND counter = $counter AND token = $token AND state = 'running'`,
          )
          .run({ $job: abandoned.jobId, $counter: abandoned.counter, $token: abandoned.token });
      }
    });
  }

  async extendLease(jobId: string, token: string, leaseUntilMs: number): Promise<boolean> {
    const result = this.guard("write to", () =>
      this.db
        .prepare(
          `UPDATE heads SET lease_until_ms = $lease WHERE job_id = $job AND token = $token AND state = 'running'`,
        )
        .run({ $job: jobId, $token: token, $lease: leaseUntilMs }),
    );
    return Number(result.changes) === 1;
  }

  async recordOutcome(run: RunRecord, outcome: Outcome): Promise<boolean> {
    return this.transaction("write to", () => {
      const { changes } = this.db
        .prepare(
          `UPDATE runs SET state = $state, exit_code = $exit, duration_ms = $duration, signal = $signal,
             log_url = $logUrl, log_error = $logError
           WHERE job_id = $job AND counter = $counter AND token = $token`,
        )
        .run({
          $job: run.jobId,
          $counter: run.counter,
          $token: run.token,
          $state: outcome.state,
          $exit: outcome.exitCode ?? null,
          $duration: outcome.durationMs,
          $signal: outcome.signal ?? null,
          $logUrl: outcome.logUrl ?? null,
          $logError: outcome.logError ?? null,
        });
      this.db
        .prepare(`UPDATE heads SET state = $state, lease_until_ms = $now WHERE job_id = $job AND token = $token`)
        .run({ $job: run.jobId, $token: run.token, $state: outcome.state, $now: run.startMs + outcome.durationMs });
      return changes > 0;
    });
  }

  async readHead(jobId: string): Promise<Head | undefined> {
    return this.guard("read", () => this.readHeadSync(jobId));
  }

  async listRuns(jobId: string, limit: number): Promise<RunRecord[]> {
    const rows = this.guard(
      "read",
      () =>
        this.db
          .prepare(`SELECT * FROM runs WHERE job_id = $job ORDER BY counter DESC LIMIT $limit`)
          .all({ $job: jobId, $limit: limit }) as Row[],
    );
    return rows.map(runFromRow);
  }

  async listJobs(): Promise<Head[]> {
    return this.guard("read", () => {
      const rows = this.db.prepare(`SELECT job_id FROM heads ORDER BY job_id`).all() as Row[];
      return rows
        .map((row) => this.readHeadSync(String(row.job_id)))
        .filter((head): head is Head => head !== undefined);
    });
  }

  async release(request: ReleaseRequest): Promise<ReleaseResult> {
    return this.transaction(`release job ${request.jobId} in`, () =>
      releaseHead(this.db, this.readHeadSync(request.jobId), request),
    );
  }

  async initialize(): Promise<InitResult> {
    return { created: !this.existed };
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private readHeadSync(jobId: string): Head | undefined {
    const row = this.db.prepare(`SELECT * FROM heads WHERE job_id = $job`).get({ $job: jobId }) as Row | undefined;
    if (!row) return undefined;
    return {
      jobId: String(row.job_id),
      counter: Number(row.counter),
      node: String(row.node),
      token: String(row.token),
      startMs: Number(row.start_ms),
      leaseUntilMs: Number(row.lease_until_ms),
      state: String(row.state) as RunState,
      // A store file of an older release, opened read-only, may lack the later columns.
      occurrenceMs: row.occurrence_ms == null ? undefined : Number(row.occurrence_ms),
      retry: row.retry_key == null ? undefined : { key: String(row.retry_key), attempt: Number(row.retry_attempt) },
    };
  }

  /**
   * Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it throws. SQLite failures
   * become a ReserveError (exit status 75) that names `action`, the file and the cause.
   */
  private transaction<T>(action: string, body: () => T): T {
    return this.guard(action, () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = body();
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        rollBack(this.db);
        throw error;
      }
    });
  }

  /**
   * Runs `body`, turning an SQLite failure into a ReserveError that names the file and the cause.
   * `action` is the verb that precedes "the embedded store" in the message, such as "read".
   */
  private guard<T>(action: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (!isSqliteError(error)) throw error;
      throw new ReserveError(
        `could not ${action} the embedded store ${this.path}: ${describeSqliteError(error, busyTimeoutMs)}`,
        { cause: error },
      );
    }
  }
}

/**
 * Rolls back the open transaction, if any. SQLite itself rolls back after some errors (such as
 * SQLITE_FULL, SQLITE_IOERR and SQLITE_BUSY), and a ROLLBACK then fails with "no transaction is
 * active", which would hide the error that the caller is about to rethrow.
 */
function rollBack(db: DatabaseSync): void {
  if (!db.isTransaction) return;
  try {
    db.exec("ROLLBACK");
  } catch {
    // The caller rethrows the error that caused the rollback, which matters more.
  }
}

/**
 * Opens the file read-only. When its folder is read-only too and no writer has the file open,
 * SQLite cannot create the -wal and -shm files that a WAL database needs, so the file is then
 * opened as immutable, which reads the database file alone.
 */
function openReadOnly(DatabaseSync: typeof import("node:sqlite").DatabaseSync, path: string): DatabaseSync {
  const open = (location: string) => {
    const db = new DatabaseSync(location, { readOnly: true });
    try {
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      db.prepare("SELECT count(*) FROM sqlite_schema").get();
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  };
  try {
    return open(path);
  } catch (error) {
    if (!isSqliteError(error) || error.errcode !== readOnlyDirectory) throw error;
    // NOTE: an immutable connection does not see a writer that opens the file later, so a read
    // that overlaps another process's write may fail or show the runs as they were when it began.
    return open(`${pathToFileURL(path).href}?immutable=1`);
  }
}

/**
 * Rejects a file whose `heads` or `runs` table lacks a column of runjop's schema, because
 * another program wrote it. That is a setup error (exit status 64): the fix is another
 * --store-path, and trying again would fail the same way.
 */
function checkSchema(columns: Map<string, Set<string>>, path: string): void {
  for (const [table, required] of requiredColumns) {
    const present = columns.get(table) ?? new Set<string>();
    const missing = present.size === 0 ? "" : required.find((column) => !present.has(column));
    if (missing === undefined) continue;
    const problem = missing === "" ? `it has no table ${table}` : `its table ${table} has no column ${missing}`;
    throw new UsageError(
      `${path} is not a runjop embedded store: ${problem}; pass --store-path with another file, or move this one away`,
    );
  }
}

/** Reads the column names of runjop's tables, one query per table; a missing table has none. */
function readColumns(db: DatabaseSync): Map<string, Set<string>> {
  return new Map(
    requiredColumns.map(([table]) => {
      const rows = db.prepare(`PRAGMA table_info(${table})`).all() as Row[];
      return [table, new Set(rows.map((row) => String(row.name)))];
    }),
  );
}

function runFromRow(row: Row): RunRecord {
  return {
    jobId: String(row.job_id),
    counter: Number(row.counter),
    node: String(row.node),
    time: String(row.time),
    startMs: Number(row.start_ms),
    token: String(row.token),
    state: String(row.state) as RunState,
    exitCode: row.exit_code === null ? undefined : Number(row.exit_code),
    durationMs: row.duration_ms === null ? undefined : Number(row.duration_ms),
    command: row.command === null ? undefined : String(row.command),
    signal: row.signal === null ? undefined : String(row.signal),
    logUrl: row.log_url == null ? undefined : String(row.log_url),
    logError: row.log_error == null ? undefined : String(row.log_error),
    expiresAt: row.expires_at === null || row.expires_at === undefined ? undefined : Number(row.expires_at),
    releasedBy: row.released_by === null || row.released_by === undefined ? undefined : String(row.released_by),
    forced: row.forced === null || row.forced === undefined ? undefined : Number(row.forced) === 1,
    occurrenceMs: row.occurrence_ms === null || row.occurrence_ms === undefined ? undefined : Number(row.occurrence_ms),
  };
}

/**
 * Adds the columns of `addedColumns` that an older store file lacks. The check and the ALTER
 * run in one IMMEDIATE transaction, so two processes opening the same old file do not both add
 * a column.
 */
function addMissingColumns(db: DatabaseSync, columns: Map<string, Set<string>>): void {
  const missing = (present: Map<string, Set<string>>) =>
    addedColumns.filter(([table, column]) => !present.get(table)?.has(column));
  if (missing(columns).length === 0) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    // Another process may have added them between the first read and the lock.
    for (const [table, column, type] of missing(readColumns(db))) {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    db.exec("COMMIT");
  } catch (error) {
    rollBack(db);
    throw error;
  }
}

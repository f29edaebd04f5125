export const id = 561;
export const ids = [561];
export const modules = {

/***/ 1730:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Q: () => (/* binding */ retryableStates),
/* harmony export */   ML: () => (/* binding */ canTakeOver),
/* harmony export */   eK: () => (/* binding */ isReservable)
/* harmony export */ });
/** States after which a later attempt of the same retry identity may run the job again. */
const retryableStates = ["failed", "interrupted", "timed_out"];
/**
 * The reservation rule, which every store applies atomically. A contender may take the job when
 * the latest run started at least one range ago on the contender's own clock, and that run has
 * finished or its lease has lapsed (or overlap is allowed).
 *
 * Measuring the range from the latest start, rather than cutting time into fixed windows, is what
 * makes clock skew safe: contenders fired by the same cron tick reach the store within seconds,
 * and a contender whose clock is ahead by s sees the latest start as s seconds older, so a
 * second run needs (arrival gap + s) >= range. The DynamoDB store writes the same rule as a
 * ConditionExpression.
 *
 * With a schedule occurrence the range is not used: the head must carry no occurrence or an older
 * one, so each occurrence runs at most once however late its contenders arrive. `force` skips
 * the range and occurrence checks but not the lease. A later attempt of the retry identity
 * that holds the head may run after that attempt failed or its lease lapsed.
 */
function isReservable(head, request) {
    if (isRetryOf(head, request))
        return true;
    if (!request.force) {
        if (request.occurrenceMs !== undefined) {
            if (head.occurrenceMs !== undefined && head.occurrenceMs >= request.occurrenceMs)
                return false;
        }
        else if (head.startMs > request.nowMs - request.rangeMs) {
            return false;
        }
    }
    if (request.allowOverlap || head.state !== "running")
        return true;
    return head.leaseUntilMs < request.nowMs;
}
function isRetryOf(head, request) {
    const retry = request.retry;
    if (!retry || !head.retry)
        return false;
    if (head.retry.key !== retry.key || head.retry.attempt >= retry.attempt)
        return false;
    if (head.state === "running")
        return head.leaseUntilMs < request.nowMs;
    return retryableStates.includes(head.state);
}
/**
 * Checks the takeover rule: a standby may take over the head only while it carries the dead run's
 * token, is still running and its lease lapsed on the standby's clock. A run that finished, in
 * any state, is never taken over. The DynamoDB store writes the same rule as a ConditionExpression.
 */
function canTakeOver(head, request) {
    return head.token === request.holder.token && head.state === "running" && head.leaseUntilMs < request.nowMs;
}


/***/ }),

/***/ 4561:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SqliteStore: () => (/* binding */ SqliteStore)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/folders.ts


/**
 * Creates a folder and its missing parents one level at a time, each with `mode` (before the
 * umask). mkdirSync's recursive mode loops for ever on some paths under /proc (seen with
 * Node 24.21), so it is not used here. Throws when a part of the path is a file.
 */
function makeFolders(folder, mode = 0o777) {
    const missing = [];
    let current = folder;
    while (!(0,external_node_fs_.existsSync)(current)) {
        missing.unshift(current);
        const parent = (0,external_node_path_.dirname)(current);
        if (parent === current)
            break;
        current = parent;
    }
    if ((0,external_node_fs_.existsSync)(current) && !(0,external_node_fs_.statSync)(current).isDirectory())
        throw new Error(`${current} is not a folder`);
    for (const path of missing) {
        try {
            (0,external_node_fs_.mkdirSync)(path, { mode });
        }
        catch (error) {
            if (error.code !== "EEXIST")
                throw error;
        }
    }
}

;// CONCATENATED MODULE: ./src/store/sqlite-errors.ts

/** SQLite primary result codes, as sqlite3.h defines them. */
const resultCode = {
    perm: 3,
    busy: 5,
    locked: 6,
    readOnly: 8,
    cantOpen: 14,
    auth: 23,
    notADatabase: 26,
};
/** Extended result code SQLITE_READONLY_DIRECTORY: a read-only folder keeps SQLite from creating the -wal and -shm files. */
const readOnlyDirectory = 1544;
function isSqliteError(error) {
    return error instanceof Error && error.code === "ERR_SQLITE_ERROR";
}
/** Describes an SQLite failure in one line, adding what a busy or locked database waited for. */
function describeSqliteError(error, busyTimeoutMs) {
    if (!isSqliteError(error))
        return error instanceof Error ? error.message : String(error);
    const primary = error.errcode & 0xff;
    if (primary === resultCode.busy || primary === resultCode.locked) {
        return `${error.message} (another process held its lock for more than ${busyTimeoutMs / 1000} s)`;
    }
    return error.message;
}
/**
 * Maps an error from opening the store file to runjop's exit status. A file that cannot be a
 * store here (not a database, no permission, not writable for a run) is a setup error, exit
 * 64, because only another --store-path or other permissions fix it. A store that failed now
 * (locked, disk full, I/O error, or any other SQLite error) exits 75, as an unreachable
 * DynamoDB table does.
 */
function openFailure(error, path, readOnly, busyTimeoutMs) {
    if (!isSqliteError(error))
        return undefined;
    const cause = describeSqliteError(error, busyTimeoutMs);
    const primary = error.errcode & 0xff;
    const setup = [resultCode.perm, resultCode.cantOpen, resultCode.auth, resultCode.notADatabase];
    // A read-only subcommand writes nothing, so its READONLY errors come from a store that could not be read now.
    if (!readOnly)
        setup.push(resultCode.readOnly);
    if (setup.includes(primary)) {
        const requirement = readOnly ? "a readable SQLite file" : "a readable, writable SQLite file";
        return new errors/* UsageError */.eb(`cannot open the embedded store ${path}: ${cause}; pass --store-path with ${requirement}`, {
            cause: error,
        });
    }
    return new errors/* ReserveError */.JH(`could not open the embedded store ${path}: ${cause}`, { cause: error });
}

// EXTERNAL MODULE: ./src/store/rules.ts
var rules = __webpack_require__(1730);
;// CONCATENATED MODULE: ./src/store/sqlite-admin.ts
/**
 * Deletes the job's runs whose `expires_at` (seconds since the epoch) has passed. The embedded
 * store has no TTL of its own, so each new run of a job prunes that job's expired runs.
 */
function deleteExpiredRuns(db, jobId, nowMs) {
    db.prepare("DELETE FROM runs WHERE job_id = $job AND expires_at IS NOT NULL AND expires_at < $now").run({
        $job: jobId,
        $now: Math.floor(nowMs / 1000),
    });
}
/** Marks the head and the holder's run `released`; call it inside a write transaction. */
function releaseHead(db, head, request) {
    if (!head)
        return { kind: "not_found" };
    if (head.state !== "running")
        return { kind: "not_running", head };
    if (!request.force && head.leaseUntilMs >= request.nowMs)
        return { kind: "lease_live", head };
    db.prepare("UPDATE heads SET state = 'released', lease_until_ms = $now WHERE job_id = $job AND token = $token").run({
        $job: head.jobId,
        $token: head.token,
        $now: request.nowMs,
    });
    db.prepare(`UPDATE runs SET state = 'released', released_by = $node, released_ms = $now
     WHERE job_id = $job AND counter = $counter AND token = $token AND state = 'running'`).run({
        $job: head.jobId,
        $counter: head.counter,
        $token: head.token,
        $node: request.node,
        $now: request.nowMs,
    });
    return { kind: "released", head };
}

;// CONCATENATED MODULE: ./src/store/sqlite.ts








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
const addedColumns = [
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
const requiredColumns = [
    ["heads", ["job_id", "counter", "node", "token", "start_ms", "lease_until_ms", "state"]],
    ["runs", ["job_id", "counter", "node", "time", "start_ms", "token", "state", "exit_code", "duration_ms", "command"]],
];
/** Milliseconds a writer waits for another process's transaction before failing. */
const busyTimeoutMs = 15000;
/**
 * The embedded store: one SQLite file shared by the cron entries and users of one host.
 * Each reservation is one IMMEDIATE transaction, which takes SQLite's write lock before
 * reading, so the check and the write are atomic across processes, as DynamoDB's
 * conditional write is across hosts.
 */
class SqliteStore {
    db;
    path;
    existed;
    description;
    constructor(db, path, 
    /** Whether the file existed before this store opened it. */
    existed) {
        this.db = db;
        this.path = path;
        this.existed = existed;
        this.description = `embedded store ${path}`;
    }
    /**
     * Opens the store file, creating it and its tables unless `readOnly`. A read-only store serves
     * the subcommands that only read, so that they work on a file the user cannot write.
     */
    static async open(path, options = {}) {
        const readOnly = options.readOnly ?? false;
        const { DatabaseSync } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 99, 23));
        if (!readOnly) {
            try {
                makeFolders((0,external_node_path_.dirname)(path));
            }
            catch (error) {
                throw new errors/* UsageError */.eb(`cannot create the folder of the embedded store ${path}: ${(0,errors/* messageOf */.bD)(error)}; pass --store-path with a writable file`, { cause: error });
            }
        }
        let db;
        const existed = (0,external_node_fs_.existsSync)(path);
        try {
            if (readOnly) {
                db = openReadOnly(DatabaseSync, path);
            }
            else {
                db = new DatabaseSync(path);
                db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
                db.exec("PRAGMA journal_mode = WAL");
                db.exec(schema);
            }
            const columns = readColumns(db);
            checkSchema(columns, path);
            if (!readOnly)
                addMissingColumns(db, columns);
        }
        catch (error) {
            if (db?.isOpen)
                db.close();
            throw openFailure(error, path, readOnly, busyTimeoutMs) ?? error;
        }
        return new SqliteStore(db, path, existed);
    }
    async reserve(request) {
        return this.transaction(`reserve job ${request.jobId} in`, () => {
            const head = this.readHeadSync(request.jobId);
            if (head && !(0,rules/* isReservable */.eK)(head, request))
                return { won: false, holder: head, attempts: 1 };
            const counter = (head?.counter ?? 0) + 1;
            this.db
                .prepare(`INSERT INTO heads (job_id, counter, node, token, start_ms, lease_until_ms, state, occurrence_ms, retry_key, retry_attempt)
           VALUES ($job, $counter, $node, $token, $start, $lease, 'running', $occurrence, $retryKey, $retryAttempt)
           ON CONFLICT (job_id) DO UPDATE SET counter = excluded.counter, node = excluded.node,
             token = excluded.token, start_ms = excluded.start_ms,
             lease_until_ms = excluded.lease_until_ms, state = 'running',
             occurrence_ms = coalesce(excluded.occurrence_ms, heads.occurrence_ms),
             retry_key = excluded.retry_key, retry_attempt = excluded.retry_attempt`)
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
    async takeOver(request) {
        return this.transaction(`take over job ${request.jobId} in`, () => {
            const head = this.readHeadSync(request.jobId);
            if (!head || !(0,rules/* canTakeOver */.ML)(head, request))
                return { won: false, holder: head, attempts: 1 };
            const counter = head.counter + 1;
            this.db
                .prepare(`UPDATE heads SET counter = $counter, node = $node, token = $token, start_ms = $start,
             lease_until_ms = $lease, state = 'running'
           WHERE job_id = $job`)
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
    async recordStart(run, abandoned) {
        this.transaction("write to", () => {
            this.db
                .prepare(`INSERT OR REPLACE INTO runs (job_id, counter, node, time, start_ms, token, state, command, expires_at, forced, occurrence_ms)
           VALUES ($job, $counter, $node, $time, $start, $token, $state, $command, $expires, $forced, $occurrence)`)
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
                    .prepare(`UPDATE runs SET state = 'abandoned' WHERE job_id = $job AND counter = $counter AND token = $token AND state = 'running'`)
                    .run({ $job: abandoned.jobId, $counter: abandoned.counter, $token: abandoned.token });
            }
        });
    }
    async extendLease(jobId, token, leaseUntilMs) {
        const result = this.guard("write to", () => this.db
            .prepare(`UPDATE heads SET lease_until_ms = $lease WHERE job_id = $job AND token = $token AND state = 'running'`)
            .run({ $job: jobId, $token: token, $lease: leaseUntilMs }));
        return Number(result.changes) === 1;
    }
    async recordOutcome(run, outcome) {
        return this.transaction("write to", () => {
            const { changes } = this.db
                .prepare(`UPDATE runs SET state = $state, exit_code = $exit, duration_ms = $duration, signal = $signal,
             log_url = $logUrl, log_error = $logError
           WHERE job_id = $job AND counter = $counter AND token = $token`)
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
    async readHead(jobId) {
        return this.guard("read", () => this.readHeadSync(jobId));
    }
    async listRuns(jobId, limit) {
        const rows = this.guard("read", () => this.db
            .prepare(`SELECT * FROM runs WHERE job_id = $job ORDER BY counter DESC LIMIT $limit`)
            .all({ $job: jobId, $limit: limit }));
        return rows.map(runFromRow);
    }
    async listJobs() {
        return this.guard("read", () => {
            const rows = this.db.prepare(`SELECT job_id FROM heads ORDER BY job_id`).all();
            return rows
                .map((row) => this.readHeadSync(String(row.job_id)))
                .filter((head) => head !== undefined);
        });
    }
    async release(request) {
        return this.transaction(`release job ${request.jobId} in`, () => releaseHead(this.db, this.readHeadSync(request.jobId), request));
    }
    async initialize() {
        return { created: !this.existed };
    }
    async close() {
        if (this.db.isOpen)
            this.db.close();
    }
    readHeadSync(jobId) {
        const row = this.db.prepare(`SELECT * FROM heads WHERE job_id = $job`).get({ $job: jobId });
        if (!row)
            return undefined;
        return {
            jobId: String(row.job_id),
            counter: Number(row.counter),
            node: String(row.node),
            token: String(row.token),
            startMs: Number(row.start_ms),
            leaseUntilMs: Number(row.lease_until_ms),
            state: String(row.state),
            // A store file of an older release, opened read-only, may lack the later columns.
            occurrenceMs: row.occurrence_ms == null ? undefined : Number(row.occurrence_ms),
            retry: row.retry_key == null ? undefined : { key: String(row.retry_key), attempt: Number(row.retry_attempt) },
        };
    }
    /**
     * Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it throws. SQLite failures
     * become a ReserveError (exit status 75) that names `action`, the file and the cause.
     */
    transaction(action, body) {
        return this.guard(action, () => {
            this.db.exec("BEGIN IMMEDIATE");
            try {
                const result = body();
                this.db.exec("COMMIT");
                return result;
            }
            catch (error) {
                rollBack(this.db);
                throw error;
            }
        });
    }
    /**
     * Runs `body`, turning an SQLite failure into a ReserveError that names the file and the cause.
     * `action` is the verb that precedes "the embedded store" in the message, such as "read".
     */
    guard(action, body) {
        try {
            return body();
        }
        catch (error) {
            if (!isSqliteError(error))
                throw error;
            throw new errors/* ReserveError */.JH(`could not ${action} the embedded store ${this.path}: ${describeSqliteError(error, busyTimeoutMs)}`, { cause: error });
        }
    }
}
/**
 * Rolls back the open transaction, if any. SQLite itself rolls back after some errors (such as
 * SQLITE_FULL, SQLITE_IOERR and SQLITE_BUSY), and a ROLLBACK then fails with "no transaction is
 * active", which would hide the error that the caller is about to rethrow.
 */
function rollBack(db) {
    if (!db.isTransaction)
        return;
    try {
        db.exec("ROLLBACK");
    }
    catch {
        // The caller rethrows the error that caused the rollback, which matters more.
    }
}
/**
 * Opens the file read-only. When its folder is read-only too and no writer has the file open,
 * SQLite cannot create the -wal and -shm files that a WAL database needs, so the file is then
 * opened as immutable, which reads the database file alone.
 */
function openReadOnly(DatabaseSync, path) {
    const open = (location) => {
        const db = new DatabaseSync(location, { readOnly: true });
        try {
            db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
            db.prepare("SELECT count(*) FROM sqlite_schema").get();
        }
        catch (error) {
            db.close();
            throw error;
        }
        return db;
    };
    try {
        return open(path);
    }
    catch (error) {
        if (!isSqliteError(error) || error.errcode !== readOnlyDirectory)
            throw error;
        // NOTE: an immutable connection does not see a writer that opens the file later, so a read
        // that overlaps another process's write may fail or show the runs as they were when it began.
        return open(`${(0,external_node_url_.pathToFileURL)(path).href}?immutable=1`);
    }
}
/**
 * Rejects a file whose `heads` or `runs` table lacks a column of runjop's schema, because
 * another program wrote it. That is a setup error (exit status 64): the fix is another
 * --store-path, and trying again would fail the same way.
 */
function checkSchema(columns, path) {
    for (const [table, required] of requiredColumns) {
        const present = columns.get(table) ?? new Set();
        const missing = present.size === 0 ? "" : required.find((column) => !present.has(column));
        if (missing === undefined)
            continue;
        const problem = missing === "" ? `it has no table ${table}` : `its table ${table} has no column ${missing}`;
        throw new errors/* UsageError */.eb(`${path} is not a runjop embedded store: ${problem}; pass --store-path with another file, or move this one away`);
    }
}
/** Reads the column names of runjop's tables, one query per table; a missing table has none. */
function readColumns(db) {
    return new Map(requiredColumns.map(([table]) => {
        const rows = db.prepare(`PRAGMA table_info(${table})`).all();
        return [table, new Set(rows.map((row) => String(row.name)))];
    }));
}
function runFromRow(row) {
    return {
        jobId: String(row.job_id),
        counter: Number(row.counter),
        node: String(row.node),
        time: String(row.time),
        startMs: Number(row.start_ms),
        token: String(row.token),
        state: String(row.state),
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
function addMissingColumns(db, columns) {
    const missing = (present) => addedColumns.filter(([table, column]) => !present.get(table)?.has(column));
    if (missing(columns).length === 0)
        return;
    db.exec("BEGIN IMMEDIATE");
    try {
        // Another process may have added them between the first read and the lock.
        for (const [table, column, type] of missing(readColumns(db))) {
            db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
        }
        db.exec("COMMIT");
    }
    catch (error) {
        rollBack(db);
        throw error;
    }
}


/***/ })

};

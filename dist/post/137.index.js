export const id = 137;
export const ids = [137];
export const modules = {

/***/ 1730:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ retryableStates),
/* harmony export */   e: () => (/* binding */ isReservable)
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


/***/ }),

/***/ 137:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SqliteStore: () => (/* binding */ SqliteStore)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
/* harmony import */ var _rules_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1730);




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
/** Columns added after the first release, added to older store files when they are opened. */
const addedColumns = [
    ["heads", "occurrence_ms", "INTEGER"],
    ["heads", "retry_key", "TEXT"],
    ["heads", "retry_attempt", "INTEGER"],
    ["runs", "forced", "INTEGER"],
    ["runs", "occurrence_ms", "INTEGER"],
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
    description;
    constructor(db, path) {
        this.db = db;
        this.path = path;
        this.description = `embedded store ${path}`;
    }
    static async open(path) {
        const { DatabaseSync } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 99, 23));
        try {
            makeFolders((0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(path));
        }
        catch (error) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`cannot create the folder of the embedded store ${path}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(error)}; pass --store-path with a writable file`, { cause: error });
        }
        let db;
        try {
            db = new DatabaseSync(path);
            db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
            db.exec("PRAGMA journal_mode = WAL");
            db.exec(schema);
            addMissingColumns(db);
        }
        catch (error) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`cannot open the embedded store ${path}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .messageOf */ .bD)(error)}; pass --store-path with a readable, writable SQLite file`, { cause: error });
        }
        return new SqliteStore(db, path);
    }
    async reserve(request) {
        return this.transaction(() => {
            const head = this.readHeadSync(request.jobId);
            if (head && !(0,_rules_js__WEBPACK_IMPORTED_MODULE_3__/* .isReservable */ .e)(head, request))
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
    async recordStart(run, abandoned) {
        this.transaction(() => {
            this.db
                .prepare(`INSERT OR REPLACE INTO runs (job_id, counter, node, time, start_ms, token, state, command, forced, occurrence_ms)
           VALUES ($job, $counter, $node, $time, $start, $token, $state, $command, $forced, $occurrence)`)
                .run({
                $job: run.jobId,
                $counter: run.counter,
                $node: run.node,
                $time: run.time,
                $start: run.startMs,
                $token: run.token,
                $state: run.state,
                $command: run.command ?? null,
                $forced: run.forced ? 1 : null,
                $occurrence: run.occurrenceMs ?? null,
            });
            if (abandoned) {
                this.db
                    .prepare(`UPDATE runs SET state = 'abandoned' WHERE job_id = $job AND counter = $counter AND token = $token AND state = 'running'`)
                    .run({ $job: abandoned.jobId, $counter: abandoned.counter, $token: abandoned.token });
            }
        });
    }
    async extendLease(jobId, token, leaseUntilMs) {
        const result = this.db
            .prepare(`UPDATE heads SET lease_until_ms = $lease WHERE job_id = $job AND token = $token AND state = 'running'`)
            .run({ $job: jobId, $token: token, $lease: leaseUntilMs });
        return Number(result.changes) === 1;
    }
    async recordOutcome(run, outcome) {
        this.transaction(() => {
            this.db
                .prepare(`UPDATE runs SET state = $state, exit_code = $exit, duration_ms = $duration, signal = $signal
           WHERE job_id = $job AND counter = $counter AND token = $token`)
                .run({
                $job: run.jobId,
                $counter: run.counter,
                $token: run.token,
                $state: outcome.state,
                $exit: outcome.exitCode ?? null,
                $duration: outcome.durationMs,
                $signal: outcome.signal ?? null,
            });
            this.db
                .prepare(`UPDATE heads SET state = $state, lease_until_ms = $now WHERE job_id = $job AND token = $token`)
                .run({ $job: run.jobId, $token: run.token, $state: outcome.state, $now: run.startMs + outcome.durationMs });
        });
    }
    async readHead(jobId) {
        return this.readHeadSync(jobId);
    }
    async listRuns(jobId, limit) {
        const rows = this.db
            .prepare(`SELECT * FROM runs WHERE job_id = $job ORDER BY counter DESC LIMIT $limit`)
            .all({ $job: jobId, $limit: limit });
        return rows.map(runFromRow);
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
            occurrenceMs: row.occurrence_ms === null ? undefined : Number(row.occurrence_ms),
            retry: row.retry_key === null ? undefined : { key: String(row.retry_key), attempt: Number(row.retry_attempt) },
        };
    }
    /** Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back when it throws. */
    transaction(body) {
        this.db.exec("BEGIN IMMEDIATE");
        try {
            const result = body();
            this.db.exec("COMMIT");
            return result;
        }
        catch (error) {
            this.db.exec("ROLLBACK");
            throw error;
        }
    }
}
/**
 * Creates a folder and its missing parents one level at a time. mkdirSync's recursive mode
 * loops for ever on some paths under /proc (seen with Node 24.21), so it is not used here.
 */
function makeFolders(folder) {
    const missing = [];
    let current = folder;
    while (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(current)) {
        missing.unshift(current);
        const parent = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(current);
        if (parent === current)
            break;
        current = parent;
    }
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(current) && !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(current).isDirectory())
        throw new Error(`${current} is not a folder`);
    for (const path of missing) {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(path);
        }
        catch (error) {
            if (error.code !== "EEXIST")
                throw error;
        }
    }
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
        forced: row.forced === null || row.forced === undefined ? undefined : Number(row.forced) === 1,
        occurrenceMs: row.occurrence_ms === null || row.occurrence_ms === undefined ? undefined : Number(row.occurrence_ms),
    };
}
/**
 * Adds the columns of `addedColumns` that an older store file lacks. The check and the ALTER
 * run in one IMMEDIATE transaction, so two processes opening the same old file do not both add
 * a column.
 */
function addMissingColumns(db) {
    const missing = () => addedColumns.filter(([table, column]) => {
        const columns = db.prepare(`PRAGMA table_info(${table})`).all();
        return !columns.some((row) => row.name === column);
    });
    if (missing().length === 0)
        return;
    db.exec("BEGIN IMMEDIATE");
    try {
        for (const [table, column, type] of missing())
            db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
        db.exec("COMMIT");
    }
    catch (error) {
        db.exec("ROLLBACK");
        throw error;
    }
}


/***/ })

};

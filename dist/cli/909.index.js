export const id = 909;
export const ids = [909];
export const modules = {

/***/ 9909:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SqliteStore: () => (/* binding */ SqliteStore)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/store/rules.ts
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
 */
function isReservable(head, request) {
    if (head.startMs > request.nowMs - request.rangeMs)
        return false;
    if (request.allowOverlap || head.state !== "running")
        return true;
    return head.leaseUntilMs < request.nowMs;
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
  state TEXT NOT NULL
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
  PRIMARY KEY (job_id, counter)
);`;
/** Columns added to runs after its first release; files created earlier get them on open. */
const addedRunColumns = [
    ["log_url", "TEXT"],
    ["log_error", "TEXT"],
];
/** Adds the columns of addedRunColumns that an older file lacks; another process adding one at the same time is no error. */
function addMissingColumns(db) {
    const present = new Set(db.prepare("PRAGMA table_info(runs)").all().map((row) => String(row.name)));
    for (const [name, type] of addedRunColumns) {
        if (present.has(name))
            continue;
        try {
            db.exec(`ALTER TABLE runs ADD COLUMN ${name} ${type}`);
        }
        catch (error) {
            if (!/duplicate column name/i.test((0,errors/* messageOf */.bD)(error)))
                throw error;
        }
    }
}
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
            makeFolders((0,external_node_path_.dirname)(path));
        }
        catch (error) {
            throw new errors/* UsageError */.eb(`cannot create the folder of the embedded store ${path}: ${(0,errors/* messageOf */.bD)(error)}; pass --store-path with a writable file`, { cause: error });
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
            throw new errors/* UsageError */.eb(`cannot open the embedded store ${path}: ${(0,errors/* messageOf */.bD)(error)}; pass --store-path with a readable, writable SQLite file`, { cause: error });
        }
        return new SqliteStore(db, path);
    }
    async reserve(request) {
        return this.transaction(() => {
            const head = this.readHeadSync(request.jobId);
            if (head && !isReservable(head, request))
                return { won: false, holder: head, attempts: 1 };
            const counter = (head?.counter ?? 0) + 1;
            this.db
                .prepare(`INSERT INTO heads (job_id, counter, node, token, start_ms, lease_until_ms, state)
           VALUES ($job, $counter, $node, $token, $start, $lease, 'running')
           ON CONFLICT (job_id) DO UPDATE SET counter = excluded.counter, node = excluded.node,
             token = excluded.token, start_ms = excluded.start_ms,
             lease_until_ms = excluded.lease_until_ms, state = 'running'`)
                .run({
                $job: request.jobId,
                $counter: counter,
                $node: request.node,
                $token: request.token,
                $start: request.nowMs,
                $lease: request.nowMs + request.leaseMs,
            });
            const abandoned = head && head.state === "running" ? head : undefined;
            return { won: true, counter, abandoned, attempts: 1 };
        });
    }
    async recordStart(run, abandoned) {
        this.transaction(() => {
            this.db
                .prepare(`INSERT OR REPLACE INTO runs (job_id, counter, node, time, start_ms, token, state, command)
           VALUES ($job, $counter, $node, $time, $start, $token, $state, $command)`)
                .run({
                $job: run.jobId,
                $counter: run.counter,
                $node: run.node,
                $time: run.time,
                $start: run.startMs,
                $token: run.token,
                $state: run.state,
                $command: run.command ?? null,
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
                .prepare(`UPDATE runs SET state = $state, exit_code = $exit, duration_ms = $duration, signal = $signal,
             log_url = $logUrl, log_error = $logError
           WHERE job_id = $job AND counter = $counter AND token = $token`)
                .run({
                $job: run.jobId,
                $counter: run.counter,
                $token: run.token,
                $state: outcome.state,
                $exit: outcome.exitCode,
                $duration: outcome.durationMs,
                $signal: outcome.signal ?? null,
                $logUrl: outcome.logUrl ?? null,
                $logError: outcome.logError ?? null,
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
            (0,external_node_fs_.mkdirSync)(path);
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
        logUrl: row.log_url == null ? undefined : String(row.log_url),
        logError: row.log_error == null ? undefined : String(row.log_error),
    };
}


/***/ })

};

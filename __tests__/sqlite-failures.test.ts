import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { cliEnv, runCli, tempDir, type CliResult } from "./helpers/cli.js";
import { waitFor } from "./helpers/process.js";

/** Starts a Node process that takes SQLite's write lock on `path` and keeps it until killed. */
async function holdLock(path: string, setup = ""): Promise<ChildProcess> {
  const script = `
    const { DatabaseSync } = require("node:sqlite");
    const db = new DatabaseSync(process.argv[1]);
    ${setup}
    db.exec("BEGIN EXCLUSIVE");
    process.stdout.write("locked\\n");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", script, path], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  await waitFor(() => output.includes("locked"), 10000, "the lock to be taken");
  return child;
}

/** Lines of runjop's own errors. */
function errorLines(result: CliResult): string[] {
  return result.stderr.split("\n").filter((line) => line.startsWith("runjop: error:"));
}

describe("embedded store failures", () => {
  test("locked store exits 75 in one line", async () => {
    const dir = tempDir();
    const walStore = join(dir, "wal.sqlite");
    expect((await runCli(["--store-path", walStore, "--id", "setup", "true"])).code).toBe(0);
    // A file in SQLite's default rollback-journal mode blocks runjop already while it opens the file.
    const journalStore = join(dir, "journal.sqlite");
    const holders = [await holdLock(walStore), await holdLock(journalStore, 'db.exec("CREATE TABLE other (x)");')];
    try {
      const [atReserve, atOpen] = await Promise.all([
        runCli(["--store-path", walStore, "--id", "locked", "echo ran"], { killAfterMs: 40000 }),
        runCli(["--store-path", journalStore, "--id", "locked", "echo ran"], { killAfterMs: 40000 }),
      ]);
      for (const [result, path] of [
        [atReserve, walStore],
        [atOpen, journalStore],
      ] as const) {
        expect(result.stdout).toBe("");
        expect(result.stderr).not.toMatch(/^\s+at /m);
        expect(errorLines(result)).toEqual([expect.stringContaining(path)]);
        expect(result.stderr).toContain("database is locked (another process held its lock for more than 15 s)");
        expect(result.code).toBe(75);
      }
      expect(atReserve.stderr).toContain(`could not reserve job locked in the embedded store ${walStore}`);
      expect(atOpen.stderr).toContain(`could not open the embedded store ${journalStore}`);
    } finally {
      for (const holder of holders) holder.kill("SIGKILL");
    }
  }, 60000);

  test("failed outcome write shows its cause", async () => {
    const store = join(tempDir(), "store.sqlite");
    expect((await runCli(["--store-path", store, "--id", "setup", "true"])).code).toBe(0);
    // The command limits runjop's file size to 1 byte, so SQLite's next write to the store fails with EFBIG.
    const result = await runCli(["--store-path", store, "--id", "full", "prlimit --pid $PPID --fsize=1 && echo ran"]);
    expect(result.stdout).toBe("ran\n");
    expect(result.stderr).not.toContain("cannot rollback");
    expect(result.stderr).toContain(
      `could not record the outcome of run 1 (succeeded, exit status 0): could not write to the embedded store ${store}: disk I/O error`,
    );
    expect(result.code).toBe(0);
  });

  test("unwritable store exits 75 at open", async () => {
    const store = join(tempDir(), "store.sqlite");
    expect((await runCli(["--store-path", store, "--id", "setup", "true"])).code).toBe(0);
    for (const args of [
      ["--store-path", store, "--id", "limited", "echo ran"],
      ["history", "--store-path", store, "--id", "setup"],
    ]) {
      const result = await runCli(args);
      // prlimit starts runjop with a file size limit of 1 byte, as a full disk would refuse writes.
      const limited = await runCli(args, { env: cliEnv(), wrapper: ["prlimit", "--fsize=1"] });
      expect(result.code).toBe(0);
      expect(limited.stdout).toBe("");
      expect(errorLines(limited)).toEqual([
        `runjop: error: could not open the embedded store ${store}: disk I/O error`,
      ]);
      expect(limited.code).toBe(75);
    }
  });

  test("older store file gains the newer columns", async () => {
    const store = join(tempDir(), "older.sqlite");
    const db = new DatabaseSync(store);
    db.exec(`CREATE TABLE heads (job_id TEXT PRIMARY KEY, counter INTEGER NOT NULL, node TEXT NOT NULL,
        token TEXT NOT NULL, start_ms INTEGER NOT NULL, lease_until_ms INTEGER NOT NULL, state TEXT NOT NULL);
      CREATE TABLE runs (job_id TEXT NOT NULL, counter INTEGER NOT NULL, node TEXT NOT NULL, time TEXT NOT NULL,
        start_ms INTEGER NOT NULL, token TEXT NOT NULL, state TEXT NOT NULL, exit_code INTEGER, duration_ms INTEGER,
        command TEXT, PRIMARY KEY (job_id, counter));`);
    db.close();

    const result = await runCli(["--store-path", store, "--id", "job", "-q", "--schedule", "0 0 * * *", "echo ran"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("ran\n");
    expect(result.code).toBe(0);
    const reopened = new DatabaseSync(store, { readOnly: true });
    const columns = (table: string) =>
      (reopened.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((row) => row.name);
    expect(columns("heads")).toEqual(expect.arrayContaining(["occurrence_ms", "retry_key", "retry_attempt"]));
    expect(columns("runs")).toEqual(expect.arrayContaining(["occurrence_ms", "log_url", "log_error", "released_by"]));
    const run = reopened.prepare("SELECT state, occurrence_ms FROM runs WHERE job_id = 'job'").get() as Record<
      string,
      unknown
    >;
    reopened.close();
    expect(run.state).toBe("succeeded");
    expect(typeof run.occurrence_ms).toBe("number");
  });

  test("foreign SQLite file exits 64", async () => {
    const store = join(tempDir(), "foreign.sqlite");
    const db = new DatabaseSync(store);
    db.exec("CREATE TABLE heads (id INTEGER PRIMARY KEY, name TEXT)");
    db.close();
    for (const args of [
      ["--store-path", store, "--id", "job", "echo ran"],
      ["history", "--store-path", store],
      ["status", "--store-path", store, "--id", "job"],
    ]) {
      const result = await runCli(args);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        `runjop: error: ${store} is not a runjop embedded store: its table heads has no column job_id; pass --store-path with another file, or move this one away\n`,
      );
      expect(result.code).toBe(64);
    }
  });

  test("read-only store serves reading subcommands", async () => {
    const dir = tempDir();
    const store = join(dir, "store.sqlite");
    expect((await runCli(["--store-path", store, "--id", "shared", "true"])).code).toBe(0);
    chmodSync(store, 0o444);
    chmodSync(dir, 0o555);
    // Root ignores file modes through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so as root the CLI
    // runs without them. It stays root, so it can still reach the clone, wherever CI put it.
    const withoutDacCaps = "-dac_override,-dac_read_search";
    const asRoot = process.getuid?.() === 0;
    const prefix = asRoot ? ["setpriv", `--inh-caps=${withoutDacCaps}`, `--bounding-set=${withoutDacCaps}`] : [];
    const run = (args: string[]) => runCli(args, { env: { PATH: process.env.PATH, HOME: dir }, wrapper: prefix });

    const history = await run(["history", "--store-path", store, "--id", "shared"]);
    expect(history.stderr).toBe("");
    expect(history.stdout).toMatch(/^1 +vm|^1 +\S+ +\d{4}-/m);
    expect(history.code).toBe(0);

    const check = await run(["check", "--store-path", store, "--id", "shared", "--within", "600"]);
    expect(check.stdout).toMatch(/^ok: job shared succeeded/);
    expect(check.code).toBe(0);

    const status = await run(["status", "--store-path", store, "--id", "shared"]);
    expect(status.stdout).toContain("last run: 1 on node");
    expect(status.code).toBe(1);

    const write = await run(["--store-path", store, "--id", "shared", "--range", "1", "echo ran"]);
    expect(write.stdout).toBe("");
    expect(write.stderr).toBe(
      `runjop: error: cannot open the embedded store ${store}: attempt to write a readonly database; pass --store-path with a readable, writable SQLite file\n`,
    );
    expect(write.code).toBe(64);
  });
});

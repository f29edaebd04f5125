import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binPath, cliEnv, runCli, tempDir } from "./helpers/cli.js";

describe("runjop on the embedded store", () => {
  test("runs a shell command and passes its exit status", async () => {
    const result = await runCli(["--id", "status", "echo hello; echo oops >&2; exit 3"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("hello\n");
    expect(result.stderr).toContain("oops\n");
    expect(result.stderr).toContain("running job status as run 1");
  });

  test("skips a second run within the range", async () => {
    const env = cliEnv();
    const first = await runCli(["--id", "twice", "echo first"], { env });
    const second = await runCli(["--id", "twice", "--node", "other", "echo second"], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("first\n");
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("");
    expect(second.stderr).toMatch(
      /skipped job twice: node \S+ holds it with run 1, started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(succeeded\)/,
    );
  });

  test("runs again once the range has passed", async () => {
    const env = cliEnv();
    const first = await runCli(["--id", "again", "--range", "1", "echo $RUNJOP_COUNTER"], { env });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await runCli(["--id", "again", "--range=1", "echo $RUNJOP_COUNTER"], { env });
    expect(first.stdout).toBe("1\n");
    expect(second.stdout).toBe("2\n");
  });

  test("hands RUNJOP_ID, RUNJOP_COUNTER and RUNJOP_NODE to the command", async () => {
    const result = await runCli([
      "--id",
      "env-job",
      "--node",
      "host-a",
      'echo "$RUNJOP_ID $RUNJOP_COUNTER $RUNJOP_NODE"',
    ]);
    expect(result.stdout).toBe("env-job 1 host-a\n");
  });

  test("accepts options after the quoted command", async () => {
    const log = join(tempDir(), "runjop.log");
    const result = await runCli(["--range=10", "--id", "after", "echo Hello World", "--log", log, "-d"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Hello World\n");
    expect(result.stderr).toContain("debug: reserving job after");
  });

  test("runs a program after -- without a shell", async () => {
    const args = ["a b", "$(echo injected)", ";", "'quoted'", '"double"', "*"];
    const result = await runCli(["--id", "exec", "--", "printf", "[%s]\\n", ...args]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(args.map((arg) => `[${arg}]\n`).join(""));
  });

  test("reports a missing program with status 127", async () => {
    const result = await runCli(["--id", "missing-program", "--", "/nonexistent/program"]);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain("cannot start /nonexistent/program");
  });

  test("returns 128 plus the signal that killed the command", async () => {
    const result = await runCli(["--id", "killed", "kill -TERM $$"]);
    expect(result.code).toBe(143);
    expect(result.stderr).toContain("failed, exit status 143");
  });

  test("stops the command at --timeout and records it", async () => {
    const result = await runCli(["--id", "slow", "--timeout", "1", "sleep 20"]);
    expect(result.code).toBe(124);
    expect(result.elapsedMs).toBeLessThan(8000);
    expect(result.stderr).toContain("timed out after 1 s");
    expect(result.stderr).toContain("timed_out, exit status 124");
  });

  test("streams output while the command runs", async () => {
    const env = cliEnv();
    const child = spawn(process.execPath, [binPath, "--id", "stream", "echo early; sleep 3; echo late"], { env });
    const firstChunkAt = await new Promise<number>((resolve) => {
      const started = performance.now();
      child.stdout.once("data", () => resolve(performance.now() - started));
    });
    const exited = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(firstChunkAt).toBeLessThan(2500);
    expect(exited).toBe(0);
  });

  test("exits promptly after the command ends", async () => {
    const result = await runCli(["--id", "prompt", "sleep 0.2"]);
    expect(result.code).toBe(0);
    expect(result.elapsedMs).toBeLessThan(3000);
  });

  test("appends its own log with time and job id", async () => {
    const env = cliEnv();
    const log = join(tempDir(), "own.log");
    writeFileSync(log, "earlier line\n");
    await runCli(["--id", "logged", "--log", log, "true"], { env });
    await runCli(["--id", "logged", "--log", log, "true"], { env });
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines[0]).toBe("earlier line");
    expect(
      lines.some((line) =>
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO \[logged\] running job logged as run 1/.test(line),
      ),
    ).toBe(true);
    expect(lines.some((line) => /INFO \[logged\] skipped job logged/.test(line))).toBe(true);
    expect(lines.some((line) => line.includes("using embedded store"))).toBe(true);
  });

  test("quiet mode still fills the log file", async () => {
    const log = join(tempDir(), "quiet.log");
    const result = await runCli(["--id", "quiet-log", "-q", "--log", log, "echo out"]);
    expect(result.stderr).toBe("");
    expect(readFileSync(log, "utf8")).toMatch(/INFO \[quiet-log\] ran job quiet-log as run 1: succeeded/);
  });

  test("quiet mode prints no decisions", async () => {
    const result = await runCli(["--id", "quiet", "-q", "echo out"]);
    expect(result.stdout).toBe("out\n");
    expect(result.stderr).toBe("");
  });

  test("uses --store-path when given", async () => {
    const path = join(tempDir(), "nested", "store.sqlite");
    const result = await runCli(["--id", "path", "--store-path", path, "true"]);
    expect(result.code).toBe(0);
    expect(existsSync(path)).toBe(true);
    expect(result.stderr).toContain(`using embedded store ${path}`);
  });

  test("history on a missing store leaves no file", async () => {
    const path = join(tempDir(), "absent.sqlite");
    const result = await runCli(["history", "--store-path", path]);
    expect(result.code).toBe(75);
    expect(result.stderr).toBe(
      `runjop: error: embedded store ${path} not found: no job has run with it; check --store-path, or create it with 'runjop init'\n`,
    );
    expect(existsSync(path)).toBe(false);
  });

  test("prints help and version", async () => {
    const help = await runCli(["--help"]);
    const version = await runCli(["--version"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: runjop [options] "<command>"');
    expect(help.stdout).toContain("--range S");
    expect(version.stdout).toMatch(/^runjop \d+\.\d+\.\d+\n$/);
  });
});

describe("runjop rejects bad input", () => {
  const marker = () => join(tempDir(), "ran");
  const badDir = tempDir();
  writeFileSync(join(badDir, "plain-file"), "");
  const notSqlite = join(badDir, "not-sqlite");
  writeFileSync(notSqlite, "this is not a database ".repeat(100));

  const cases: Array<[string, string[], RegExp]> = [
    ["missing --id", ["CMD"], /missing --id/],
    ["empty --id", ["--id", "", "CMD"], /missing --id/],
    ["no command", ["--id", "job"], /missing command/],
    ["empty command", ["--id", "job", "  "], /missing command: the command string is empty/],
    ["two unquoted words", ["--id", "job", "touch", "x"], /expected one quoted command but got 2 arguments/],
    ["zero range", ["--id", "job", "--range", "0", "CMD"], /invalid --range '0'/],
    ["negative range", ["--id", "job", "--range=-5", "CMD"], /invalid --range '-5'/],
    ["fractional range", ["--id", "job", "--range", "1.5", "CMD"], /invalid --range '1.5'/],
    [
      "non-numeric range",
      ["--id", "job", "--range", "soon", "CMD"],
      /invalid --range 'soon': expected a whole number of seconds/,
    ],
    [
      "id over 2048 bytes",
      ["--id", "é".repeat(1025), "CMD"],
      /invalid --id: 2050 bytes is longer than DynamoDB's 2048-byte key limit/,
    ],
    ["id with a newline", ["--id", "a\nb", "CMD"], /invalid --id "a\\nb": contains U\+000A, a control character/],
    [
      "short table name",
      ["--id", "job", "--table", "ab", "CMD"],
      /invalid --table 'ab': DynamoDB table names are 3 to 255 characters/,
    ],
    ["table name with a space", ["--id", "job", "--table", "my table", "CMD"], /invalid --table 'my table'/],
    [
      "endpoint that is no URL",
      ["--id", "job", "--table", "tbl", "--endpoint-url", "localhost:8000", "CMD"],
      /invalid --endpoint-url 'localhost:8000': expected an http/,
    ],
    ["region without table", ["--id", "job", "--region", "eu-west-1", "CMD"], /--region needs --table/],
    ["unknown option", ["--id", "job", "--rnage", "10", "CMD"], /unknown option '--rnage'/],
    ["misspelled subcommand", ["stauts", "--id", "job", "CMD"], /unknown subcommand 'stauts'; did you mean 'status'\?/],
    [
      "dash-leading range",
      ["--id", "job", "--range", "-1", "CMD"],
      /missing value for --range: write a value that starts with '-' as --range=VALUE/,
    ],
    ["option without value", ["--id", "job", "CMD", "--range"], /missing value for --range/],
    // /proc rejects new folders even for root, which tests here run as.
    [
      "unwritable store folder",
      ["--id", "job", "--store-path", "/proc/self/runjop/s.sqlite", "CMD"],
      /cannot create the folder of the embedded store \/proc\/self\/runjop\/s.sqlite/,
    ],
    [
      "store path under a file",
      ["--id", "job", "--store-path", join(badDir, "plain-file", "s.sqlite"), "CMD"],
      /cannot create the folder of the embedded store .*plain-file/,
    ],
    [
      "store that is not SQLite",
      ["--id", "job", "--store-path", notSqlite, "CMD"],
      /cannot open the embedded store .*not-sqlite: file is not a database/,
    ],
  ];

  test.each(cases)("%s", async (_name, args, message) => {
    const file = marker();
    const result = await runCli(args.map((arg) => (arg === "CMD" ? `touch ${file}` : arg)));
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
  });
});

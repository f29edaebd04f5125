import { existsSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, runCli, tempDir, type CliResult } from "./helpers/cli.js";

/**
 * Runs the built CLI from /bin/sh with `args` as shell words, so that printf can put bytes
 * that are not valid UTF-8 into argv, which a Node string argument cannot carry.
 */
function runCliFromShell(args: string, env: NodeJS.ProcessEnv = cliEnv()): Promise<CliResult> {
  // The shell gets Node as $0 and runjop's entry as $1, and expands `args` after them.
  return runCli([], { env, wrapper: ["/bin/sh", "-c", `exec "$0" "$@" ${args}`] });
}

function errorLines(result: CliResult): string[] {
  return result.stderr.trim().split("\n");
}

describe("subcommand name as the command", () => {
  test.each(["history", "status", "release", "init", "check"])("%s after options fails with 64", async (name) => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCli(["--store-path", store, name, "--id", "nightly"]);
    expect(result.code).toBe(64);
    expect(errorLines(result)).toEqual([
      `runjop: error: '${name}' is a runjop subcommand, not a command to run: put the subcommand first, as runjop ${name} [options], or use '-- ${name}' to run a program of that name`,
    ]);
    expect(existsSync(store)).toBe(false);
  });

  test("-- release runs a program of that name", async () => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCli(["--store-path", store, "--id", "nightly", "--", "release"]);
    expect(result.code).toBe(127);
    const history = await runCli(["history", "--store-path", store, "--id", "nightly", "--json"]);
    expect(JSON.parse(history.stdout).command).toBe("release");
  });

  test("a longer command that starts with a subcommand name runs", async () => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCli(["--store-path", store, "--id", "nightly", "status=ok; echo $status"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("ok\n");
  });
});

describe("characters that ids reject", () => {
  const cases: Array<[string, string, string]> = [
    ["C1 next line", "c1\u0085x", "U+0085, a C1 control character"],
    ["right-to-left override", "a\u202eb", "U+202E, a bidirectional text control"],
    ["left-to-right isolate", "a\u2066b", "U+2066, a bidirectional text control"],
    ["right-to-left mark", "a\u200fb", "U+200F, a bidirectional text control"],
    ["line separator", "a\u2028b", "U+2028, a line or paragraph separator"],
    ["replacement character", "a\ufffdb", "U+FFFD, the replacement character"],
    ["delete", "a\u007fb", "U+007F, a control character"],
  ];

  test.each(cases)("%s fails with 64", async (_name, id, reason) => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCli(["--store-path", store, "--id", id, "true"]);
    expect(result.code).toBe(64);
    expect(errorLines(result)).toHaveLength(1);
    expect(result.stderr).toContain(`runjop: error: invalid --id `);
    expect(result.stderr).toContain(`: contains ${reason}`);
    expect(existsSync(store)).toBe(false);
  });

  test("message escapes the character", async () => {
    const result = await runCli(["--id", "a\u202eb", "true"]);
    expect(result.stderr).toContain('invalid --id "a\\u202eb"');
    expect(result.stderr).not.toContain("\u202e");
  });

  test("invalid UTF-8 bytes in --id fail with 64", async () => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCliFromShell(`--store-path '${store}' --id "$(printf 'a\\377b')" true`);
    expect(result.code).toBe(64);
    expect(errorLines(result)).toEqual([
      'runjop: error: invalid --id "a\\ufffdb": contains U+FFFD, the replacement character, which Node substitutes for bytes that are not valid UTF-8; control characters, bidirectional controls and U+FFFD are not allowed',
    ]);
    expect(existsSync(store)).toBe(false);
  });

  test("non-ASCII letters are accepted", async () => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCli(["--store-path", store, "--id", "résumé-日本", "-q", "true"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });
});

describe("command arguments that are not valid UTF-8", () => {
  test("argument after -- fails with 64", async () => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCliFromShell(
      `--store-path '${store}' --id x -- printf '%s|' "$(printf '\\377\\376')" 'a b'`,
    );
    expect(result.code).toBe(64);
    expect(errorLines(result)).toEqual([
      `runjop: error: invalid argument 3 after '--' "\\ufffd\\ufffd": contains U+FFFD, the replacement character, which Node substitutes for bytes that are not valid UTF-8; runjop passes arguments as UTF-8 and cannot pass other bytes, so give valid UTF-8`,
    ]);
    expect(result.stdout).toBe("");
    expect(existsSync(store)).toBe(false);
  });

  test("shell command fails with 64", async () => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCliFromShell(`--store-path '${store}' --id x "echo $(printf '\\377')"`);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^runjop: error: invalid command "echo \\ufffd": contains U\+FFFD/);
    expect(result.stdout).toBe("");
    expect(existsSync(store)).toBe(false);
  });

  test("valid UTF-8 arguments reach the program unchanged", async () => {
    const result = await runCli(["--id", "x", "-q", "--", "printf", "%s|", "é 日本", "$HOME", ""]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("é 日本|$HOME||");
  });
});

describe("options given twice or together", () => {
  test("--id twice fails with 64", async () => {
    const store = join(tempDir(), "s.sqlite");
    const result = await runCli(["--store-path", store, "--id", "a", "--id", "b", "true"]);
    expect(result.code).toBe(64);
    expect(errorLines(result)).toEqual(["runjop: error: --id given twice ('a' and 'b'): give it once"]);
    expect(existsSync(store)).toBe(false);
  });

  test("--range twice as --range=V fails with 64", async () => {
    const result = await runCli(["--id", "a", "--range=10", "true", "--range", "20"]);
    expect(result.code).toBe(64);
    expect(errorLines(result)).toEqual(["runjop: error: --range given twice ('10' and '20'): give it once"]);
  });

  test("subcommand --id twice fails with 64", async () => {
    const result = await runCli(["history", "--id", "a", "--id", "b"]);
    expect(result.code).toBe(64);
    expect(errorLines(result)).toEqual(["runjop: error: --id given twice ('a' and 'b'): give it once"]);
  });

  test("a repeated flag is accepted", async () => {
    const result = await runCli(["--id", "a", "-q", "-q", "true"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  test("-q with -d fails with 64", async () => {
    const result = await runCli(["--id", "a", "-q", "-d", "true"]);
    expect(result.code).toBe(64);
    expect(errorLines(result)).toEqual(["runjop: error: --debug and --quiet exclude each other: give one of them"]);
  });

  test("help names the exclusion", async () => {
    const result = await runCli(["--help"]);
    expect(result.stdout).toMatch(/-q, --quiet +log only warnings and errors \(not with --debug\)/);
  });
});

describe("subcommands take -d and -q", () => {
  test("history -q prints no info line", async () => {
    const store = join(tempDir(), "s.sqlite");
    await runCli(["init", "--store-path", store]);
    const quiet = await runCli(["history", "-q", "--store-path", store]);
    const plain = await runCli(["history", "--store-path", store]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(plain.stderr).toBe(`runjop: no jobs in embedded store ${store}\n`);
  });

  test.each([
    ["status", "--id", "job"],
    ["check", "--id", "job", "--within", "60"],
    ["release", "--id", "job"],
    ["init"],
    ["history"],
  ])("%s accepts -d", async (...args) => {
    const store = join(tempDir(), "s.sqlite");
    await runCli(["--store-path", store, "--id", "job", "-q", "true"]);
    const result = await runCli([...args, "-d", "--store-path", store]);
    expect(result.stderr).not.toContain("unknown option");
    expect([0, 1]).toContain(result.code);
  });

  test("subcommand help lists -d and -q", async () => {
    const result = await runCli(["status", "--help"]);
    expect(result.stdout).toContain("-d, --debug");
    expect(result.stdout).toContain("-q, --quiet");
  });
});

describe("environment variables of the DynamoDB store", () => {
  test.each([
    [
      "AWS_ENDPOINT_URL_DYNAMODB",
      "garbage",
      /^runjop: error: invalid AWS_ENDPOINT_URL_DYNAMODB 'garbage': expected a URL/,
    ],
    [
      "AWS_ENDPOINT_URL",
      "localhost:8000",
      /^runjop: error: invalid AWS_ENDPOINT_URL 'localhost:8000': expected an http/,
    ],
    [
      "RUNJOP_TABLE_WAIT_SECONDS",
      "abc",
      /^runjop: error: invalid RUNJOP_TABLE_WAIT_SECONDS 'abc': expected a whole number/,
    ],
    ["RUNJOP_TABLE_WAIT_SECONDS", "-5", /^runjop: error: invalid RUNJOP_TABLE_WAIT_SECONDS '-5'/],
    ["RUNJOP_TABLE_WAIT_SECONDS", "0", /^runjop: error: invalid RUNJOP_TABLE_WAIT_SECONDS '0'/],
  ])("%s=%s fails with 64", async (name, value, message) => {
    const env = cliEnv({ [name]: value, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    const marker = join(tempDir(), "ran");
    const run = await runCli(["--table", "tbl", "--id", "job", `touch ${marker}`], { env });
    const history = await runCli(["history", "--table", "tbl"], { env });
    for (const result of [run, history]) {
      expect(result.code).toBe(64);
      expect(errorLines(result)).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(existsSync(marker)).toBe(false);
  });

  test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS skips the endpoint check", async () => {
    const env = cliEnv({
      AWS_ENDPOINT_URL_DYNAMODB: "garbage",
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
      RUNJOP_TABLE_WAIT_SECONDS: "5",
    });
    const result = await runCli(["history", "--table", "tbl", "--endpoint-url", "http://127.0.0.1:9"], { env });
    expect(result.stderr).not.toContain("AWS_ENDPOINT_URL_DYNAMODB");
    expect(result.code).toBe(75);
  });
});

describe("history of runs with logs and long ids", () => {
  test("shows a failed upload's error and local file", async () => {
    const store = join(tempDir(), "s.sqlite");
    const env = cliEnv();
    // Without credentials the upload fails at once, and the output stays in XDG_STATE_HOME.
    const run = await runCli(
      [
        "--store-path",
        store,
        "--id",
        "up",
        "-q",
        "--s3",
        "s3://logs/x",
        "--s3-endpoint-url",
        "http://127.0.0.1:9",
        "echo hi",
      ],
      { env },
    );
    expect(run.code).toBe(0);
    const json = await runCli(["history", "--store-path", store, "--id", "up", "--json"], { env });
    const record = JSON.parse(json.stdout);
    expect(record.log_error).toMatch(/^upload to s3:\/\/logs\/x\/\S+ failed: .*; the output is kept in \//);
    const localFile = /the output is kept in (\S+)$/.exec(record.log_error)?.[1] ?? "";
    expect(localFile.startsWith(`${env.XDG_STATE_HOME}/runjop/logs/`)).toBe(true);
    expect(existsSync(localFile)).toBe(true);

    const table = await runCli(["history", "--store-path", store, "--id", "up"], { env });
    const lines = table.stdout.split("\n");
    expect(lines[0]).toMatch(/ LOG$/);
    expect(lines[1]).toMatch(/ upload failed \(see below\)$/);
    expect(table.stdout).toContain(`\nrun 1 log: ${record.log_error}\n`);
  });

  test("JSON carries occurrence_ms", async () => {
    const store = join(tempDir(), "s.sqlite");
    await runCli(["--store-path", store, "--id", "sched", "-q", "--schedule", "* * * * *", "true"]);
    const result = await runCli(["history", "--store-path", store, "--id", "sched", "--json"]);
    const record = JSON.parse(result.stdout);
    expect(record.occurrence_ms % 60000).toBe(0);
  });

  test("job column stops at 40 characters", async () => {
    const store = join(tempDir(), "s.sqlite");
    const longId = "j".repeat(100);
    await runCli(["--store-path", store, "--id", longId, "-q", "true"]);
    await runCli(["--store-path", store, "--id", "short", "-q", "true"]);
    const result = await runCli(["history", "--store-path", store]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[1].startsWith(`${"j".repeat(39)}…  1`)).toBe(true);
    expect(lines[2].startsWith(`short${" ".repeat(35)}  1`)).toBe(true);
    const json = await runCli(["history", "--store-path", store, "--json"]);
    expect(JSON.parse(json.stdout.split("\n")[0]).job_id).toBe(longId);
  });
});

import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { cliEnv, runCli } from "./helpers/cli.js";

/**
 * Node's built-in modules that a runjop process loaded, read from the lines that NODE_DEBUG=module
 * writes to stderr ("load built-in module NAME"). The bundle loads built-ins through require, so
 * each one appears there.
 */
function loadedBuiltins(stderr: string): Set<string> {
  return new Set([...stderr.matchAll(/load built-in module (?:node:)?(\S+)/g)].map((match) => match[1]));
}

describe("start-up of the built CLI", () => {
  let dynalite: RunningServer;

  beforeAll(async () => {
    dynalite = await startDynalite();
  });

  afterAll(async () => {
    await dynalite.close();
  });

  test("--version loads neither crypto, SQLite nor the network", async () => {
    const result = await runCli(["--version"], { env: cliEnv({ NODE_DEBUG: "module" }) });
    const loaded = loadedBuiltins(result.stderr);
    expect(result.code).toBe(0);
    expect(loaded.has("fs")).toBe(true);
    expect(loaded.has("crypto")).toBe(false);
    expect(loaded.has("sqlite")).toBe(false);
    expect(loaded.has("http")).toBe(false);
    expect(loaded.has("child_process")).toBe(false);
  });

  test("DynamoDB skip path loads no http2 or child_process", async () => {
    const args = ["--table", "startup", "--endpoint-url", dynalite.url, "--id", "held", "--range", "3600", "true"];
    const env = cliEnv(awsTestEnv());
    const first = await runCli(args, { env });
    const second = await runCli(args, { env: { ...env, NODE_DEBUG: "module" } });
    const loaded = loadedBuiltins(second.stderr);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("skipped job held");
    expect(loaded.has("http")).toBe(true);
    expect(loaded.has("http2")).toBe(false);
    expect(loaded.has("child_process")).toBe(false);
  });

  test("winner on DynamoDB still runs the command", async () => {
    const result = await runCli(["--table", "startup", "--endpoint-url", dynalite.url, "--id", "winner", "echo ran"], { env: cliEnv(awsTestEnv()) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("ran\n");
    expect(result.stderr).toContain("ran job winner as run 1: succeeded");
  });
});

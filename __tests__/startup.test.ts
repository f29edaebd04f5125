import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { join } from "node:path";
import { randomToken } from "../src/token.js";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";

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
    const result = await runCli(["--version"], {
      env: cliEnv({ NODE_DEBUG: "module" }),
    });
    const loaded = loadedBuiltins(result.stderr);
    expect(result.code).toBe(0);
    expect(loaded.has("fs")).toBe(true);
    expect(loaded.has("crypto")).toBe(false);
    expect(loaded.has("sqlite")).toBe(false);
    expect(loaded.has("http")).toBe(false);
    expect(loaded.has("child_process")).toBe(false);
  });

  test("embedded skip path loads no crypto or child_process", async () => {
    const args = ["--store-path", join(tempDir(), "runjop.sqlite"), "--id", "held", "--range", "3600", "true"];
    const first = await runCli(args);
    const second = await runCli(args, {
      env: cliEnv({ NODE_DEBUG: "module" }),
    });
    const loaded = loadedBuiltins(second.stderr);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("skipped job held");
    expect(loaded.has("sqlite")).toBe(true);
    expect(loaded.has("crypto")).toBe(false);
    expect(loaded.has("child_process")).toBe(false);
  });

  test("DynamoDB skip path loads no http2 or child_process", async () => {
    const args = ["--table", "startup", "--endpoint-url", dynalite.url, "--id", "held", "--range", "3600", "true"];
    const env = cliEnv(awsTestEnv());
    const first = await runCli(args, { env });
    const second = await runCli(args, {
      env: { ...env, NODE_DEBUG: "module" },
    });
    const loaded = loadedBuiltins(second.stderr);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("skipped job held");
    expect(loaded.has("http")).toBe(true);
    expect(loaded.has("http2")).toBe(false);
    expect(loaded.has("child_process")).toBe(false);
  });

  test("winner on DynamoDB still runs the command", async () => {
    const result = await runCli(["--table", "startup", "--endpoint-url", dynalite.url, "--id", "winner", "echo ran"], {
      env: cliEnv(awsTestEnv()),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("ran\n");
    expect(result.stderr).toContain("ran job winner as run 1: succeeded");
  });
});

describe("randomToken", () => {
  test("returns distinct version 4 UUIDs", () => {
    const tokens = Array.from({ length: 1000 }, () => randomToken());
    for (const token of tokens)
      expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const binPath = resolve("bin/runjop.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  elapsedMs: number;
  /** Process id of runjop, or of the wrapper that exec'd it. */
  pid: number | undefined;
}

export interface CliOptions {
  /** Variables added to a clean environment that has PATH, HOME and a private XDG_STATE_HOME. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kills the process after this many milliseconds, so that a hang fails the test instead of stalling it. */
  killAfterMs?: number;
  /** Program and arguments that start Node in runjop's place, such as a shell that sets limits and then execs "$@". */
  wrapper?: string[];
}

/** Folder that holds every temporary folder of this test process; removed when the process exits. */
const testRoot = mkdtempSync(join(tmpdir(), "runjop-tests-"));
process.on("exit", () => rmSync(testRoot, { recursive: true, force: true }));

/** A fresh temporary folder for one test. */
export function tempDir(prefix = "runjop-test-"): string {
  return mkdtempSync(join(testRoot, prefix));
}

/** Environment of a runjop process: only what the test gives, so the developer's AWS settings never leak in. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_STATE_HOME: tempDir("runjop-state-"),
    ...extra,
  };
}

/** Runs the built CLI as a user would and collects what it printed. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = performance.now();
  const [file, ...rest] = [...(options.wrapper ?? []), process.execPath, binPath, ...args];
  const child = spawn(file, rest, {
    env: options.env ?? cliEnv(),
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child, started, options.killAfterMs ?? 30000).result;
}

/**
 * Collects a started process's stdout and stderr. The result resolves once the process and every
 * holder of its pipes have exited; the process is killed after killAfterMs.
 */
export function collectOutput(
  child: ChildProcessWithoutNullStreams | ChildProcess,
  started: number,
  killAfterMs: number,
): { result: Promise<CliResult>; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const result = new Promise<CliResult>((done) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      done({ code, signal, stdout, stderr, elapsedMs: performance.now() - started, pid: child.pid });
    });
  });
  return { result, stderr: () => stderr };
}

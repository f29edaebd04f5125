import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { binPath, cliEnv, collectOutput, type CliResult } from "./cli.js";

export interface StartedCli {
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves when the process and every holder of its stdout and stderr pipes have exited. */
  result: Promise<CliResult>;
  /** Resolves when the process itself exits, even while an orphaned command still holds its pipes. */
  exited: Promise<void>;
}

/** Starts the built CLI and returns at once, so that a test can signal or kill it while it runs. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = cliEnv(), killAfterMs = 60000): StartedCli {
  const started = performance.now();
  const child = spawn(process.execPath, [binPath, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const { result, stderr } = collectOutput(child, started, killAfterMs);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return { child, stderr, result, exited };
}

/** Polls until the check passes, or fails after timeoutMs. */
export async function waitFor(check: () => boolean, timeoutMs = 10000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name in parentheses: Z is a zombie, X is dead.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Sends SIGKILL to a process group, ignoring one that is already gone. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { Logger } from "./log.js";
import { setLongTimeout, type LongTimer } from "./longTimer.js";
import type { Command } from "./settings.js";
import type { Outcome } from "./store/types.js";

/** Exit status of a command stopped by --timeout, as GNU timeout(1) uses. */
export const timeoutExitCode = 124;

/** Signals that runjop forwards to the command's process group; GitHub's cancellation sends SIGINT, then SIGTERM. */
const forwardedSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface JobOptions {
  command: Command;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Milliseconds after which the command is stopped and recorded as timed out. */
  timeoutMs?: number;
  /** Milliseconds between the first signal and SIGKILL to the whole process group. */
  killGraceMs: number;
  /**
   * Receives the output in the order it arrives. Without it the command inherits runjop's
   * stdout and stderr, so its output reaches them with no copy at all.
   */
  onOutput?: (chunk: Buffer, stream: "stdout" | "stderr") => void;
  logger: Logger;
}

/** Exit status that a shell reports for a signal: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Runs the command in its own process group and resolves with its outcome once it exited and
 * its output was read. SIGINT, SIGTERM and SIGHUP sent to runjop go to the whole group, followed
 * by SIGKILL after the grace period; the run then counts as interrupted with status 128 + signal.
 */
export function runJob(options: JobOptions): Promise<Outcome & { exitCode: number }> {
  const started = performance.now();
  const { command, logger } = options;
  const file = command.kind === "shell" ? (command.shell ?? "/bin/sh") : command.file;
  const args = command.kind === "shell" ? [...(command.shellArgs ?? ["-c"]), command.script] : command.args;

  return new Promise<Outcome & { exitCode: number }>((resolve) => {
    let stopReason: { state: "interrupted" | "timed_out"; signal: NodeJS.Signals } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let stopStartedAt = 0;
    let timeoutTimer: LongTimer | undefined;
    let settled = false;

    const child: ChildProcess = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      // A new process group (and session), so that a signal reaches the command's children too.
      detached: true,
      stdio: ["inherit", options.onOutput ? "pipe" : "inherit", options.onOutput ? "pipe" : "inherit"],
    });

    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };

    const stop = (state: "interrupted" | "timed_out", signal: NodeJS.Signals) => {
      if (stopReason) {
        // A second signal is passed on as it is; SIGKILL still follows after the grace period.
        signalGroup(signal);
        return;
      }
      stopReason = { state, signal };
      stopStartedAt = performance.now();
      signalGroup(signal);
      killTimer = setTimeout(() => {
        logger.warn(
          `command still running ${options.killGraceMs / 1000} s after ${signal}; sending SIGKILL to its process group`,
        );
        signalGroup("SIGKILL");
      }, options.killGraceMs);
    };

    // After a stop, the group's other members may outlive the leader (a background job of sh
    // ignores SIGINT, for one): they get until the SIGKILL of the grace period to exit.
    const afterGroupStopped = (then: () => void) => {
      if (!stopReason || !groupExists()) return then();
      // Zombies that nobody reaps still count as members, so the wait ends 1 s after SIGKILL anyway.
      const deadline = stopStartedAt + options.killGraceMs + 1000;
      const poll = setInterval(() => {
        if (groupExists() && performance.now() < deadline) return;
        clearInterval(poll);
        then();
      }, 100);
    };
    const groupExists = () => {
      if (child.pid === undefined) return false;
      try {
        process.kill(-child.pid, 0);
        return true;
      } catch {
        return false;
      }
    };

    const onSignal = (signal: NodeJS.Signals) => {
      logger.warn(`received ${signal}; passing it to the command's process group`);
      stop("interrupted", signal);
    };
    for (const signal of forwardedSignals) process.on(signal, onSignal);

    if (options.timeoutMs !== undefined) {
      timeoutTimer = setLongTimeout(() => {
        logger.warn(`command timed out after ${options.timeoutMs! / 1000} s; sending SIGTERM to its process group`);
        stop("timed_out", "SIGTERM");
      }, options.timeoutMs);
    }

    const finish = (outcome: Omit<Outcome, "durationMs"> & { exitCode: number }) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      timeoutTimer?.clear();
      for (const signal of forwardedSignals) process.off(signal, onSignal);
      resolve({ ...outcome, durationMs: Math.round(performance.now() - started) });
    };

    if (options.onOutput) {
      const forward = options.onOutput;
      child.stdout!.on("data", (chunk: Buffer) => forward(chunk, "stdout"));
      child.stderr!.on("data", (chunk: Buffer) => forward(chunk, "stderr"));
    }

    child.on("error", (error: NodeJS.ErrnoException) => {
      // spawn() itself failed: the program is missing or not executable, as a shell reports it.
      const exitCode = error.code === "ENOENT" ? 127 : 126;
      logger.error(`cannot start ${file}: ${error.message}`);
      finish({ state: "failed", exitCode });
    });

    child.on("exit", (code, signal) => {
      // Output still in the pipes arrives before 'close'; a grandchild that keeps a pipe open
      // must not hold runjop, so the wait for 'close' is bounded.
      const done = () => afterGroupStopped(() => finish(outcomeOf(code, signal, stopReason)));
      if (!options.onOutput) return done();
      const bound = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        done();
      }, 2000);
      child.once("close", () => {
        clearTimeout(bound);
        done();
      });
    });
  });
}

function outcomeOf(
  code: number | null,
  signal: NodeJS.Signals | null,
  stopReason: { state: "interrupted" | "timed_out"; signal: NodeJS.Signals } | undefined,
): Omit<Outcome, "durationMs"> & { exitCode: number } {
  if (stopReason?.state === "timed_out") {
    return { state: "timed_out", exitCode: timeoutExitCode, signal: signal ?? stopReason.signal };
  }
  if (stopReason?.state === "interrupted") {
    return { state: "interrupted", exitCode: signalExitCode(stopReason.signal), signal: stopReason.signal };
  }
  if (signal) return { state: "failed", exitCode: signalExitCode(signal), signal };
  const exitCode = code ?? 1;
  return { state: exitCode === 0 ? "succeeded" : "failed", exitCode };
}

import { appendFileSync } from "node:fs";
import { messageOf } from "./errors.js";
import { writeStderr } from "./stderr.js";

/** The sink for decisions and errors. The CLI writes plain lines, and the action uses @actions/core. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type Level = "debug" | "info" | "warn" | "error";

const rank: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface CliLoggerOptions {
  /** Lowest level written to stderr. */
  level: Level;
  /**
   * File that receives every line at info or above (debug too when `level` is debug), appended,
   * with the time and the job id. --quiet keeps stderr silent for cron but not this file.
   */
  file?: string;
  /** Job id written on each line of the file. */
  jobId?: string;
  stderr?: (line: string) => void;
}

/**
 * Writes "runjop: message" lines to stderr, so that the command's own stdout stays clean,
 * and appends "TIME LEVEL [job] message" lines to the --log file. A log file that cannot be
 * written is reported once on stderr and then ignored: the job must not fail because of it.
 */
export class CliLogger implements Logger {
  private fileFailed = false;
  private readonly stderr: (line: string) => void;

  constructor(private readonly options: CliLoggerOptions) {
    this.stderr = options.stderr ?? writeStderr;
  }

  debug(message: string): void {
    this.write("debug", message);
  }
  info(message: string): void {
    this.write("info", message);
  }
  warn(message: string): void {
    this.write("warn", message);
  }
  error(message: string): void {
    this.write("error", message);
  }

  private write(level: Level, message: string): void {
    if (rank[level] >= rank[this.options.level]) {
      const prefix = level === "info" ? "runjop: " : `runjop: ${level === "warn" ? "warning" : level}: `;
      this.stderr(`${prefix}${message}\n`);
    }
    const fileLevel: Level = this.options.level === "debug" ? "debug" : "info";
    if (this.options.file && !this.fileFailed && rank[level] >= rank[fileLevel]) {
      const job = this.options.jobId === undefined ? "" : ` [${this.options.jobId}]`;
      try {
        appendFileSync(this.options.file, `${new Date().toISOString()} ${level.toUpperCase()}${job} ${message}\n`);
      } catch (error) {
        this.fileFailed = true;
        this.stderr(
          `runjop: warning: cannot append to log file ${this.options.file}: ${messageOf(error)}; logging to stderr only\n`,
        );
      }
    }
  }
}

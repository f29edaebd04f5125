import { existsSync } from "node:fs";
import { ExitCode, messageOf, RunjopError, UsageError } from "../../errors.js";
import { CliLogger } from "../../log.js";
import type { StoreSettings } from "../../settings.js";
import { openStore } from "../../store/open.js";
import { formatUtc, type Store } from "../../store/types.js";
import {
  formatOptions,
  logLevelFromValues,
  logLevelOptions,
  parseOptions,
  storeFromValues,
  type OptionSpec,
  type ParsedValues,
} from "../options.js";

/** Subcommands that only read the store, so that they work on an embedded store the user cannot write. */
const readOnlySubcommands = new Set(["history", "status", "check"]);

/** Exit status of a subcommand whose result is negative: the job is held, or a check failed. */
export const exitNo = 1;

/** One operating subcommand, such as `runjop history`. */
export interface Subcommand {
  name: string;
  /** Usage lines and description printed above the options by `--help`. */
  usage: string;
  /** Text printed below the options by `--help`, such as the exit statuses. */
  epilog: string;
  options: OptionSpec[];
  /** Runs the subcommand and returns its exit status; errors it throws are reported by runSubcommand. */
  run(context: SubcommandContext): Promise<number>;
}

export interface SubcommandContext {
  values: ParsedValues;
  storeSettings: StoreSettings;
  /** Opens the store once; the store's failures become StoreError with its description. */
  openStore(): Promise<Store>;
  logger: CliLogger;
  out(text: string): void;
  nowMs: number;
}

/** The store could not be read or written: exit status 75. */
export class StoreError extends RunjopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.couldNotReserve, options);
    this.name = "StoreError";
  }
}

export const helpOption: OptionSpec = {
  name: "help",
  short: "h",
  type: "boolean",
  help: "show this help and exit",
};

/** Parses the subcommand's options, runs it, and returns its exit status. Never throws. */
export async function runSubcommand(command: Subcommand, argv: string[]): Promise<number> {
  let logger = new CliLogger({ level: "info" });
  let store: Store | undefined;
  const options = withLogLevelOptions(command.options);
  try {
    const { values, positionals } = parseOptions(argv, options, `runjop ${command.name} --help`);
    if (values.help) {
      process.stdout.write(`${command.usage}\nOptions:\n${formatOptions(options)}\n\n${command.epilog}`);
      return ExitCode.ok;
    }
    logger = new CliLogger({ level: logLevelFromValues(values) });
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument '${positionals[0]}': runjop ${command.name} takes options only; run 'runjop ${command.name} --help'`,
      );
    }
    const storeSettings = storeFromValues(values);
    const context: SubcommandContext = {
      values,
      storeSettings,
      logger,
      nowMs: Date.now(),
      out: (text) => process.stdout.write(text),
      openStore: async () => {
        // Reading commands report a missing SQLite file as DynamoDB reports a missing table,
        // instead of leaving an empty store behind.
        if (storeSettings.kind === "sqlite" && command.name !== "init" && !existsSync(storeSettings.path)) {
          throw new RunjopError(
            `embedded store ${storeSettings.path} not found: no job has run with it; check --store-path, or create it with 'runjop init'`,
            ExitCode.couldNotReserve,
          );
        }
        const readOnly = readOnlySubcommands.has(command.name);
        store ??= guardStore(await openStore(storeSettings, logger, { readOnly }), storeSettings);
        return store;
      },
    };
    return await command.run(context);
  } catch (error) {
    if (error instanceof RunjopError) {
      logger.error(error.message);
      return error.exitCode;
    }
    logger.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : messageOf(error)}`);
    return ExitCode.internal;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

/** Adds -d and -q to a subcommand's options, before --help. */
function withLogLevelOptions(options: OptionSpec[]): OptionSpec[] {
  const withoutHelp = options.filter((option) => option.name !== "help");
  return [...withoutHelp, ...logLevelOptions, ...options.filter((option) => option.name === "help")];
}

/**
 * Wraps each store method so that its failures become a StoreError naming the store and the
 * cause, in the words describeAwsError uses for DynamoDB.
 */
function guardStore(store: Store, settings: StoreSettings): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "close") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          if (error instanceof RunjopError) throw error;
          throw new StoreError(await describeStoreFailure(error, target, settings), { cause: error });
        }
      };
    },
  });
}

async function describeStoreFailure(error: unknown, store: Store, settings: StoreSettings): Promise<string> {
  if (settings.kind === "sqlite") return `could not use the ${store.description}: ${messageOf(error)}`;
  if (error instanceof Error && error.name === "TableSetupError") {
    return `could not set up the ${store.description}: ${error.message}`;
  }
  if (error instanceof Error && error.name === "ResourceNotFoundException") {
    return `${store.description} not found: create it with 'runjop init --table ${settings.table}', or check --table and --region`;
  }
  const { describeAwsError } = await import("../../store/dynamodb.js");
  return `could not use the ${store.description}: ${describeAwsError(error)}`;
}

/** Reads a required --id. */
export function requireId(values: ParsedValues, command: string): string {
  const id = values.id;
  if (typeof id !== "string" || id === "") {
    throw new UsageError(`missing --id: give the job's name, such as runjop ${command} --id nightly-backup`);
  }
  return id;
}

/** Aligns rows under headers, two spaces apart, with no trailing spaces. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const lines = [headers, ...rows].map((cells) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}

/** Aligns "label: value" lines on the values. */
export function formatFields(fields: Array<[string, string]>): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join("");
}

/** Formats a span of time for people: "850 ms", "42 s", "12 min 5 s", "3 h 20 min", "2 d 4 h". */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  const seconds = Math.floor(abs / 1000);
  if (seconds < 60) return abs < 10000 ? `${(abs / 1000).toFixed(1)} s` : `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Formats a moment as "YYYY-MM-DD HH:MM:SS UTC (12 s ago)" or "(in 12 s)". */
export function formatMoment(ms: number, nowMs: number): string {
  const relative = ms <= nowMs ? `${formatSpan(nowMs - ms)} ago` : `in ${formatSpan(ms - nowMs)}`;
  return `${formatUtc(ms)} UTC (${relative})`;
}

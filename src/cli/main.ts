import { ExitCode, messageOf, RunjopError, UsageError } from "../errors.js";
import { CliLogger } from "../log.js";
import { reserveAndRun } from "../runner.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";
import { version } from "../version.js";
import { checkCommand } from "./commands/check.js";
import { runSubcommand, type Subcommand } from "./commands/common.js";
import { historyCommand } from "./commands/history.js";
import { initCommand } from "./commands/init.js";
import { releaseCommand } from "./commands/release.js";
import { statusCommand } from "./commands/status.js";
import { formatOptions, logLevelFromValues, parseOptions, runOptions, runSettingsFromArgs } from "./options.js";
import { s3Output } from "./output.js";

/** Subcommands, recognised only as the first argument; anything else is the run command. */
const subcommands: Record<string, Subcommand> = {
  history: historyCommand,
  status: statusCommand,
  release: releaseCommand,
  init: initCommand,
  check: checkCommand,
};

const usage = `Usage: runjop [options] "<command>"
       runjop [options] -- program [argument ...]
       runjop history|status|release|init|check [options]

Run Just Once Please: runs a command once across every host that starts it in the
same range of time. Each host asks a shared store for the right to run the job;
one wins and runs the command, the others skip and exit 0.

With --table the store is a DynamoDB table, shared by many hosts. Without it the
store is an SQLite file on this host, shared by its cron entries and users.

Options:
${formatOptions(runOptions)}

Exit status:
  the command's own status when it ran (128+N when signal N ended it, 124 when --timeout did,
      126 when the program could not be run, 127 when it was not found)
  0   another contender holds the range, so the command did not run
  64  invalid options or input; nothing was reserved
  70  internal error in runjop
  75  the store could not be reached or did not decide in time; the command did not run

The command sees RUNJOP_ID, RUNJOP_COUNTER (the run's number, a fencing token)
and RUNJOP_NODE in its environment.

Subcommands (only as the first argument; each has --help):
  history  list a job's runs, or every job with its latest run
  status   show who holds a job and when it may run next
  release  clear a stuck reservation
  init     create the store and print the IAM policy it needs
  check    exit 0 when a job succeeded recently, 1 otherwise, for monitors
`;

/** Parses argv, runs the job, and returns runjop's exit status. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const subcommand = Object.hasOwn(subcommands, argv[0] ?? "") ? subcommands[argv[0]] : undefined;
  if (subcommand) return runSubcommand(subcommand, argv.slice(1));
  const misspelled = misspelledSubcommand(argv[0]);
  if (misspelled) {
    process.stderr.write(
      `runjop: error: unknown subcommand '${argv[0]}'; did you mean '${misspelled}'? To run a command of that name, put the options first or use '-- ${argv[0]}'\n`,
    );
    return ExitCode.usage;
  }
  let logger = new CliLogger({ level: "info" });
  let store: Store | undefined;
  try {
    const { values, positionals, afterTerminator } = parseOptions(argv, runOptions);
    if (values.help) {
      process.stdout.write(usage);
      return ExitCode.ok;
    }
    if (values.version) {
      process.stdout.write(`runjop ${version}\n`);
      return ExitCode.ok;
    }
    const level = logLevelFromValues(values);
    rejectSubcommandAsCommand(positionals, afterTerminator);
    const logFile = typeof values.log === "string" ? values.log : undefined;
    logger = new CliLogger({ level, file: logFile, jobId: typeof values.id === "string" ? values.id : undefined });
    const settings = runSettingsFromArgs(values, positionals, afterTerminator);

    store = await openStore(settings.store, logger);
    logger.info(`using ${store.description}`);
    const output = settings.s3 ? s3Output(settings, logger) : {};
    const result = await reserveAndRun({ settings, store, logger, ...output });
    return result.exitCode;
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

/**
 * Rejects a shell command that is exactly a subcommand's name, such as
 * `runjop --store-path s.sqlite release --id job`: options put before the subcommand make it
 * the command to run, which would run and record a failed `release` under the job's id.
 */
function rejectSubcommandAsCommand(positionals: string[], afterTerminator: string[]): void {
  if (afterTerminator.length > 0 || positionals.length !== 1) return;
  const name = positionals[0].trim();
  if (!Object.hasOwn(subcommands, name)) return;
  throw new UsageError(
    `'${name}' is a runjop subcommand, not a command to run: put the subcommand first, as runjop ${name} [options], or use '-- ${name}' to run a program of that name`,
  );
}

/**
 * Returns the subcommand that a bare first word is one or two edits away from, such as
 * "stauts" for "status", so that a typo fails instead of running as the job's command.
 */
function misspelledSubcommand(word: string | undefined): string | undefined {
  if (word === undefined || !/^[a-z]{3,}$/.test(word)) return undefined;
  return Object.keys(subcommands).find((name) => editDistance(word, name) <= 2);
}

/** Levenshtein distance between two short words. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

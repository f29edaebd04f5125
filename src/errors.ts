/**
 * Exit statuses of runjop itself. A command that ran exits with its own status
 * (128 + N when signal N killed it), so these values follow sysexits.h to stay
 * clear of the 1, 2, 126 and 127 that shells use.
 */
export const ExitCode = {
  /** The command ran and succeeded, or the range belongs to another contender. */
  ok: 0,
  /** Invalid options or input: nothing was reserved and the command did not run. */
  usage: 64,
  /** A bug in runjop: nothing was reserved, or the reservation is released by its lease. */
  internal: 70,
  /** The store could not be reached or did not decide in time: the command did not run. */
  couldNotReserve: 75,
} as const;

/** An error that ends runjop with a given exit status and a one-line message. */
export class RunjopError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "RunjopError";
  }
}

/** An invalid option, value or input file: exit status 64. */
export class UsageError extends RunjopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.usage, options);
    this.name = "UsageError";
  }
}

/** The store failed before deciding: exit status 75, and the command does not run. */
export class ReserveError extends RunjopError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.couldNotReserve, options);
    this.name = "ReserveError";
  }
}

/** Returns the message of any thrown value, for log lines. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

import { ReserveError, UsageError, type RunjopError } from "../errors.js";

/** An error that node:sqlite throws: `errcode` is SQLite's extended result code. */
interface SqliteError extends Error {
  code: "ERR_SQLITE_ERROR";
  errcode: number;
  errstr: string;
}

/** SQLite primary result codes, as sqlite3.h defines them. */
const resultCode = {
  perm: 3,
  busy: 5,
  locked: 6,
  readOnly: 8,
  cantOpen: 14,
  auth: 23,
  notADatabase: 26,
} as const;

/** Extended result code SQLITE_READONLY_DIRECTORY: a read-only folder keeps SQLite from creating the -wal and -shm files. */
export const readOnlyDirectory = 1544;

export function isSqliteError(error: unknown): error is SqliteError {
  return error instanceof Error && (error as Partial<SqliteError>).code === "ERR_SQLITE_ERROR";
}

/** Describes an SQLite failure in one line, adding what a busy or locked database waited for. */
export function describeSqliteError(error: unknown, busyTimeoutMs: number): string {
  if (!isSqliteError(error)) return error instanceof Error ? error.message : String(error);
  const primary = error.errcode & 0xff;
  if (primary === resultCode.busy || primary === resultCode.locked) {
    return `${error.message} (another process held its lock for more than ${busyTimeoutMs / 1000} s)`;
  }
  return error.message;
}

/**
 * Maps an error from opening the store file to runjop's exit status. A file that cannot be a
 * store here (not a database, no permission, not writable for a run) is a setup error, exit
 * 64, because only another --store-path or other permissions fix it. A store that failed now
 * (locked, disk full, I/O error, or any other SQLite error) exits 75, as an unreachable
 * DynamoDB table does.
 */
export function openFailure(
  error: unknown,
  path: string,
  readOnly: boolean,
  busyTimeoutMs: number,
): RunjopError | undefined {
  if (!isSqliteError(error)) return undefined;
  const cause = describeSqliteError(error, busyTimeoutMs);
  const primary = error.errcode & 0xff;
  const setup: number[] = [resultCode.perm, resultCode.cantOpen, resultCode.auth, resultCode.notADatabase];
  // A read-only subcommand writes nothing, so its READONLY errors come from a store that could not be read now.
  if (!readOnly) setup.push(resultCode.readOnly);
  if (setup.includes(primary)) {
    const requirement = readOnly ? "a readable SQLite file" : "a readable, writable SQLite file";
    return new UsageError(`cannot open the embedded store ${path}: ${cause}; pass --store-path with ${requirement}`, {
      cause: error,
    });
  }
  return new ReserveError(`could not open the embedded store ${path}: ${cause}`, { cause: error });
}

/** A run's state in the activity log. */
export type RunState =
  | "running"
  | "succeeded"
  | "failed"
  | "interrupted"
  | "timed_out"
  | "abandoned"
  /** An operator cleared the reservation with `runjop release`. */
  | "released"
  /** A gated run whose job ended without reporting whether the gated steps succeeded. */
  | "completed";

/**
 * The job's head record: who reserved it last and whether that run still holds a lease.
 * DynamoDB stores it as the item with counter 0; the runs themselves are counters 1, 2, ...
 */
export interface Head {
  jobId: string;
  /** Counter of the latest run. */
  counter: number;
  node: string;
  token: string;
  /** Start of the latest run, milliseconds since the epoch on the holder's clock. */
  startMs: number;
  /** The lease ends here unless the holder renews it; meaningful while state is running. */
  leaseUntilMs: number;
  state: RunState;
  /** Schedule occurrence that the latest scheduled run took, in milliseconds (UTC); kept by unscheduled runs. */
  occurrenceMs?: number;
  /** Retry identity of the latest run; see ReserveRequest.retry. */
  retry?: RetryIdentity;
}

/**
 * Identifies a contender that may retry its own failed run, such as one GitHub workflow run:
 * `key` is shared by its attempts (repository and run id), `attempt` grows with each attempt.
 */
export interface RetryIdentity {
  key: string;
  attempt: number;
}

/** One run in the activity log. */
export interface RunRecord {
  jobId: string;
  counter: number;
  node: string;
  /** Start time in UTC as "YYYY-MM-DD HH:MM:SS", the original tool's format. */
  time: string;
  startMs: number;
  token: string;
  state: RunState;
  exitCode?: number;
  durationMs?: number;
  /** The command as given, for people reading the log. */
  command?: string;
  /** The signal that ended the run, such as SIGTERM. */
  signal?: string;
  /** The s3:// URL of the object that contains the run's output. */
  logUrl?: string;
  /** The reason the output's upload failed or is incomplete, with the path of the local copy. */
  logError?: string;
  /** When the store may delete this run, in seconds since the epoch (DynamoDB TTL); undefined keeps it. */
  expiresAt?: number;
  /** The node that cleared this run's reservation with `runjop release`. */
  releasedBy?: string;
  /** True when the run was reserved with `force`, regardless of the range or occurrence. */
  forced?: boolean;
  /** Schedule occurrence the run was reserved for, in milliseconds (UTC). */
  occurrenceMs?: number;
}

export interface ReserveRequest {
  jobId: string;
  node: string;
  /** Random per invocation, so that a writer can recognise its own write when the response was lost. */
  token: string;
  nowMs: number;
  rangeMs: number;
  leaseMs: number;
  /** Skip the lease check, so that a run that outlasts its range does not block the next. */
  allowOverlap: boolean;
  /**
   * Schedule occurrence to reserve, in milliseconds (UTC). When given, it replaces the range:
   * the job is reservable when the head's stored occurrence is missing or older than this one.
   */
  occurrenceMs?: number;
  /** The schedule's next occurrence after occurrenceMs, for the clock check's warning. */
  nextOccurrenceMs?: number;
  /** Reserve regardless of the range or occurrence; a live lease still blocks unless allowOverlap. */
  force?: boolean;
  /** A later attempt with the same key may take the job back after its earlier attempt failed. */
  retry?: RetryIdentity;
}

/**
 * A standby's request to take over a run whose holder died: it succeeds only while the head
 * still carries the dead run's token, is running, and its lease has lapsed.
 */
export interface TakeoverRequest {
  jobId: string;
  /** The dead run's head as the standby last read it. */
  holder: Head;
  node: string;
  /** Random per invocation, as in ReserveRequest. */
  token: string;
  nowMs: number;
  leaseMs: number;
}

export type Reservation =
  | {
      won: true;
      counter: number;
      /** The previous run, when it still showed as running but its lease had lapsed. */
      abandoned?: Head;
      /** Requests the decision took, including retries. */
      attempts: number;
      /** Milliseconds spent creating a missing table and waiting for it, before the deciding write. */
      tableSetupMs?: number;
      /** Time on this host's clock before which the command must not start, because its occurrence has not started on the store's clock. */
      startAfterMs?: number;
    }
  | {
      won: false;
      /** The current holder, when the store returned it. */
      holder?: Head;
      attempts: number;
    };

export interface Outcome {
  state: Exclude<RunState, "running" | "abandoned">;
  /** Undefined when the outcome came without a status, such as a gated run in state completed. */
  exitCode?: number;
  durationMs: number;
  signal?: string;
  /** The s3:// URL of the object that contains the run's output. */
  logUrl?: string;
  /** The reason the output's upload failed or is incomplete, with the path of the local copy. */
  logError?: string;
}

/** A store decides reservations atomically and keeps the activity log. */
export interface Store {
  /** Human-readable name for log lines, such as "DynamoDB table runjop (eu-west-1)". */
  readonly description: string;
  /** Reserves the job for this contender with one atomic conditional write. */
  reserve(request: ReserveRequest): Promise<Reservation>;
  /** Writes the run's log item, and marks an abandoned previous run as such. */
  recordStart(run: RunRecord, abandoned?: Head): Promise<void>;
  /** Takes over a running head whose lease lapsed, with one atomic conditional write; `abandoned` is the dead run. */
  takeOver(request: TakeoverRequest): Promise<Reservation>;
  /** Moves the lease end forward; returns false when the head no longer carries this token. */
  extendLease(jobId: string, token: string, leaseUntilMs: number): Promise<boolean>;
  /**
   * Writes the outcome to the run's item and releases the head's lease, each only while it
   * carries this run's token. Returns false when the run's item carries another token.
   */
  recordOutcome(run: RunRecord, outcome: Outcome): Promise<boolean>;
  /** Reads the head record, or undefined when the job never ran. */
  readHead(jobId: string): Promise<Head | undefined>;
  /** Lists runs of a job, newest first. */
  listRuns(jobId: string, limit: number): Promise<RunRecord[]>;
  /** Lists the head record of every job in the store, ordered by job id. */
  listJobs(): Promise<Head[]>;
  /** Clears the job's reservation, recorded in the head and the holder's run as `released`. */
  release(request: ReleaseRequest): Promise<ReleaseResult>;
  /** Creates the table or file when missing and prepares it for expiring runs. */
  initialize(): Promise<InitResult>;
  /** Closes connections and files, so that nothing keeps the process alive. */
  close(): Promise<void>;
}

export interface ReleaseRequest {
  jobId: string;
  /** The node that releases, recorded in the activity log. */
  node: string;
  nowMs: number;
  /** Release even while the holder's lease is live. */
  force: boolean;
}

export type ReleaseResult =
  /** The head was running and is now released; `head` is the holder as it was. */
  | { kind: "released"; head: Head }
  /** The job never ran. */
  | { kind: "not_found" }
  /** The latest run has finished, so nothing holds a lease. */
  | { kind: "not_running"; head: Head }
  /** The holder's lease is live and `force` was not given. */
  | { kind: "lease_live"; head: Head };

export interface InitResult {
  /** True when this call created the table or file. */
  created: boolean;
  /** Attribute that the store's TTL reads, when it has one (DynamoDB). */
  ttlAttribute?: string;
}

/** Formats a time as the original tool did: "YYYY-MM-DD HH:MM:SS" in UTC. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

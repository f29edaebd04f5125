import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from "@smithy/config-resolver";
import { loadConfig } from "@smithy/node-config-provider";
import { messageOf, ReserveError } from "../errors.js";
import type { Logger } from "../log.js";
import { defaults } from "../settings.js";
import {
  initializeTable,
  releaseJob,
  scanHeadItems,
  tableDefinition,
  TableSetupError,
  ttlAttribute,
  waitUntilActive,
} from "./dynamodb-admin.js";
import type { InitResult, ReleaseRequest, ReleaseResult } from "./types.js";
import { retryableStates } from "./rules.js";
import { checkOffset, StoreClock } from "./clock.js";
import {
  formatUtc,
  type Head,
  type Outcome,
  type Reservation,
  type ReserveRequest,
  type RunRecord,
  type RunState,
  type Store,
  type TakeoverRequest,
} from "./types.js";

type Item = Record<string, AttributeValue>;

/** A reservation with the head as it was before a won write: null when there was none, undefined when unknown. */
type ReservationWithPrevious = Reservation & { previousItem?: Item | null };

/**
 * Request limits that bound how long an unreachable or silent endpoint can hold runjop: about
 * 3 x 8 s, the backoff, then one 5 s check whether the write landed, so under 30 s in all.
 * The request timeout also counts time the process waits for the CPU, so it is kept long
 * enough for a host overloaded by hundreds of processes, with fewer attempts in exchange.
 */
export const requestLimits = {
  /** Milliseconds to open a TCP connection. */
  connectionTimeoutMs: 3000,
  /** Milliseconds a request may wait for its response. */
  requestTimeoutMs: 8000,
  /** Attempts per request, including the first, with the SDK's jittered exponential backoff. */
  maxAttempts: 3,
  /** Milliseconds of the one GetItem that checks whether a write whose attempts all failed landed anyway. */
  landedCheckTimeoutMs: 5000,
};

export interface DynamoStoreOptions {
  table: string;
  region?: string;
  endpointUrl?: string;
  logger: Logger;
  /** Milliseconds to wait for a new table to become ACTIVE. */
  tableWaitMs?: number;
}

/** The head record of a job is the item with this counter; runs are 1, 2, 3, ... */
const headCounter = "0";

/** Names for every attribute, because TIME and STATE are DynamoDB reserved words. */
const names = {
  "#job": "job_id",
  "#counter": "counter",
  "#last": "last_counter",
  "#node": "node",
  "#token": "token",
  "#time": "time",
  "#start": "start_ms",
  "#lease": "lease_until_ms",
  "#state": "state",
  "#occurrence": "occurrence_ms",
  "#retryKey": "retry_key",
  "#retryAttempt": "retry_attempt",
};

/**
 * The DynamoDB store, with partition key job_id (S) and sort key counter (N). Counter 0 is the
 * job's head record, which each reservation updates with one conditional UpdateItem. Counters
 * 1, 2, ... are the runs, the original tool's activity log.
 */
export class DynamoStore implements Store {
  readonly description: string;
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly clock = new StoreClock();

  constructor(private readonly options: DynamoStoreOptions) {
    this.table = options.table;
    this.client = new DynamoDBClient({
      region: options.region ?? regionOrDefault,
      ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
      maxAttempts: requestLimits.maxAttempts,
      requestHandler: {
        connectionTimeout: requestLimits.connectionTimeoutMs,
        requestTimeout: requestLimits.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    this.clock.attach(this.client);
    let where = "";
    if (options.endpointUrl) where = ` at ${options.endpointUrl}`;
    else if (options.region) where = ` in ${options.region}`;
    this.description = `DynamoDB table ${options.table}${where}`;
  }

  async reserve(request: ReserveRequest): Promise<Reservation> {
    const { previousItem, ...reservation } = await this.reserveCreatingTable(request);
    // The store's clock is known only from the responses, so the check follows the write.
    const verdict = checkOffset(this.clock.offset(), request, this.options.logger);
    if ("error" in verdict) {
      if (reservation.won) await this.rollBack(request, previousItem);
      throw verdict.error;
    }
    if (reservation.won && verdict.startAfterMs !== undefined)
      return { ...reservation, startAfterMs: verdict.startAfterMs };
    return reservation;
  }

  private async reserveCreatingTable(request: ReserveRequest): Promise<ReservationWithPrevious> {
    try {
      return await this.reserveOnce(request);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      this.options.logger.info(`table ${this.table} not found; creating it`);
      const setupStarted = performance.now();
      await this.ensureTable();
      const tableSetupMs = performance.now() - setupStarted;
      const reservation = await this.reserveOnce(request);
      return reservation.won ? { ...reservation, tableSetupMs } : reservation;
    }
  }

  /**
   * Undoes a won reservation that must not run: puts the previous head back, or deletes a head
   * that did not exist, on condition that the head still carries this contender's token. When
   * the previous head is unknown (the response was lost), the head is released instead: its
   * lease ends and its start moves to the store's time, so the range counts from then.
   */
  private async rollBack(request: ReserveRequest, previousItem: Item | null | undefined): Promise<void> {
    const mine = {
      ConditionExpression: "#token = :token",
      ExpressionAttributeNames: { "#token": "token" },
      ExpressionAttributeValues: { ":token": { S: request.token } },
    };
    try {
      if (previousItem) {
        await this.client.send(new PutItemCommand({ TableName: this.table, Item: previousItem, ...mine }));
      } else if (previousItem === null) {
        await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: headKey(request.jobId), ...mine }));
      } else {
        const storeNowMs = Date.now() - (this.clock.offset()?.offsetMs ?? 0);
        await this.client.send(
          new UpdateItemCommand({
            TableName: this.table,
            Key: headKey(request.jobId),
            UpdateExpression: "SET #state = :abandoned, #lease = :now, #start = :now",
            ExpressionAttributeNames: {
              ...mine.ExpressionAttributeNames,
              "#state": "state",
              "#lease": "lease_until_ms",
              "#start": "start_ms",
            },
            ExpressionAttributeValues: {
              ...mine.ExpressionAttributeValues,
              ":abandoned": { S: "abandoned" },
              ":now": { N: String(storeNowMs) },
            },
            ConditionExpression: mine.ConditionExpression,
          }),
        );
      }
      this.options.logger.info(`released the reservation of job ${request.jobId}`);
    } catch (error) {
      this.options.logger.error(
        `could not release the reservation of job ${request.jobId}; its lease lapses in ${request.leaseMs / 1000} s: ${describeAwsError(error)}`,
      );
    }
  }

  private async reserveOnce(request: ReserveRequest): Promise<ReservationWithPrevious> {
    const { updateExpression, conditionExpression, values } = reserveExpressions(request);
    const expressions = `${updateExpression} ${conditionExpression ?? ""}`;
    try {
      const output = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: headKey(request.jobId),
          UpdateExpression: updateExpression,
          ConditionExpression: conditionExpression,
          // DynamoDB rejects names and values that the expressions do not use.
          ExpressionAttributeNames: pickUsed(names, expressions),
          ExpressionAttributeValues: pickUsed(values, expressions),
          ReturnValues: "ALL_OLD",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      const previous = output.Attributes ? headFromItem(output.Attributes) : undefined;
      return {
        won: true,
        counter: (previous?.counter ?? 0) + 1,
        abandoned: previous?.state === "running" ? previous : undefined,
        attempts: output.$metadata.attempts ?? 1,
        previousItem: output.Attributes ?? null,
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return this.resolveConflict(request, error);
      if (error instanceof ResourceNotFoundException) throw error;
      return this.resolveFailure(request, error);
    }
  }

  /**
   * Decides a failed condition. Another contender owns the range, unless an earlier attempt of
   * this request succeeded and only its response was lost, in which case the head carries our
   * token. DynamoDB returns the head with the error (ReturnValuesOnConditionCheckFailure). Servers
   * that ignore that parameter, such as dynalite, need one GetItem, made only when the SDK retried.
   */
  private async resolveConflict(request: ReserveRequest, error: ConditionalCheckFailedException): Promise<Reservation> {
    const attempts = error.$metadata?.attempts ?? 1;
    let item = error.Item;
    if (!item && attempts > 1) item = await this.getHeadItem(request.jobId);
    const head = item ? headFromItem(item) : undefined;
    if (head && head.token === request.token) {
      this.options.logger.debug(
        `reservation response was lost after ${attempts} attempts; the head carries this contender's token`,
      );
      return { won: true, counter: head.counter, attempts: attempts + (error.Item ? 0 : 1) };
    }
    return { won: false, holder: head, attempts: attempts + (!error.Item && attempts > 1 ? 1 : 0) };
  }

  /** After a failure with no response, checks once whether the write landed anyway, and raises if not. */
  private async resolveFailure(request: ReserveRequest, error: unknown): Promise<Reservation> {
    const cause = describeAwsError(error);
    if (isNetworkOrServerError(error)) {
      try {
        const item = await this.getHeadItem(request.jobId, AbortSignal.timeout(requestLimits.landedCheckTimeoutMs));
        const head = item ? headFromItem(item) : undefined;
        if (head && head.token === request.token) {
          this.options.logger.warn(`reservation response failed (${cause}), but the write landed; running`);
          return { won: true, counter: head.counter, attempts: 0 };
        }
      } catch {
        // The store is still unreachable: report the original failure below.
      }
    }
    throw new ReserveError(`could not reserve job ${request.jobId} in ${this.description}: ${cause}`, { cause: error });
  }

  /**
   * Takes over a dead run with one UpdateItem whose condition is canTakeOver() in rules.ts. A
   * failed condition means another standby took over or the run finished, unless an earlier
   * attempt of this very request landed: that is checked by one GetItem, as for reservations.
   */
  async takeOver(request: TakeoverRequest): Promise<Reservation> {
    const won: Reservation = { won: true, counter: request.holder.counter + 1, abandoned: request.holder, attempts: 1 };
    try {
      const output = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: headKey(request.jobId),
          UpdateExpression:
            "SET #last = #last + :one, #node = :node, #token = :token, #time = :time, #start = :now, #lease = :lease, #state = :running",
          ConditionExpression: "#token = :dead AND #state = :running AND #lease < :now",
          ExpressionAttributeNames: {
            "#last": "last_counter",
            "#node": "node",
            "#token": "token",
            "#time": "time",
            "#start": "start_ms",
            "#lease": "lease_until_ms",
            "#state": "state",
          },
          ExpressionAttributeValues: {
            ":one": { N: "1" },
            ":node": { S: request.node },
            ":token": { S: request.token },
            ":dead": { S: request.holder.token },
            ":time": { S: formatUtc(request.nowMs) },
            ":now": { N: String(request.nowMs) },
            ":lease": { N: String(request.nowMs + request.leaseMs) },
            ":running": { S: "running" },
          },
          ReturnValues: "ALL_OLD",
        }),
      );
      const previous = output.Attributes ? headFromItem(output.Attributes) : request.holder;
      return { ...won, counter: previous.counter + 1, abandoned: previous, attempts: output.$metadata.attempts ?? 1 };
    } catch (error) {
      const conditionFailed = error instanceof ConditionalCheckFailedException;
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
      if (conditionFailed && attempts === 1) return { won: false, attempts };
      if (!conditionFailed && !isNetworkOrServerError(error))
        throw new Error(describeAwsError(error), { cause: error });
      // An earlier attempt may have landed with its response lost: the head then carries this token.
      const item = await this.getHeadItem(request.jobId, AbortSignal.timeout(requestLimits.landedCheckTimeoutMs));
      const head = item ? headFromItem(item) : undefined;
      if (head?.token === request.token) return { ...won, counter: head.counter, attempts: attempts + 1 };
      if (conditionFailed) return { won: false, holder: head, attempts: attempts + 1 };
      throw new Error(describeAwsError(error), { cause: error });
    }
  }

  async recordStart(run: RunRecord, abandoned?: Head): Promise<void> {
    const writes: Promise<unknown>[] = [
      this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            job_id: { S: run.jobId },
            counter: { N: String(run.counter) },
            node: { S: run.node },
            time: { S: run.time },
            start_ms: { N: String(run.startMs) },
            token: { S: run.token },
            state: { S: run.state },
            ...(run.command === undefined ? {} : { command: { S: run.command } }),
            ...(run.expiresAt === undefined ? {} : { [ttlAttribute]: { N: String(run.expiresAt) } }),
            ...(run.forced ? { forced: { BOOL: true } } : {}),
            ...(run.occurrenceMs === undefined ? {} : { occurrence_ms: { N: String(run.occurrenceMs) } }),
          },
        }),
      ),
    ];
    if (abandoned) {
      // Only a run item still marked running by its own token becomes abandoned. A holder that
      // died between its reservation and its start record left no run item: one is written from
      // the head, so that the log still shows the lost run.
      writes.push(
        this.client
          .send(
            new UpdateItemCommand({
              TableName: this.table,
              Key: { job_id: { S: abandoned.jobId }, counter: { N: String(abandoned.counter) } },
              UpdateExpression:
                "SET #state = :abandoned, #token = :token, #node = if_not_exists(#node, :node), #start = if_not_exists(#start, :start), #time = if_not_exists(#time, :time)",
              ConditionExpression: "attribute_not_exists(#token) OR (#token = :token AND #state = :running)",
              ExpressionAttributeNames: {
                "#state": "state",
                "#token": "token",
                "#node": "node",
                "#start": "start_ms",
                "#time": "time",
              },
              ExpressionAttributeValues: {
                ":abandoned": { S: "abandoned" },
                ":token": { S: abandoned.token },
                ":running": { S: "running" },
                ":node": { S: abandoned.node },
                ":start": { N: String(abandoned.startMs) },
                ":time": { S: formatUtc(abandoned.startMs) },
              },
            }),
          )
          .catch((error) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }),
      );
    }
    await Promise.all(writes);
  }

  async extendLease(jobId: string, token: string, leaseUntilMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: headKey(jobId),
          UpdateExpression: "SET #lease = :lease",
          ConditionExpression: "#token = :token AND #state = :running",
          ExpressionAttributeNames: { "#lease": "lease_until_ms", "#token": "token", "#state": "state" },
          ExpressionAttributeValues: {
            ":lease": { N: String(leaseUntilMs) },
            ":token": { S: token },
            ":running": { S: "running" },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new Error(describeAwsError(error), { cause: error });
    }
  }

  async recordOutcome(run: RunRecord, outcome: Outcome): Promise<boolean> {
    const endMs = run.startMs + outcome.durationMs;
    // Only the contender whose token the run item carries records the outcome; the item may be
    // missing when the write at the start failed.
    const runUpdate = this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { job_id: { S: run.jobId }, counter: { N: String(run.counter) } },
          ConditionExpression: "attribute_not_exists(#token) OR #token = :token",
          UpdateExpression: `SET #state = :state, duration_ms = :duration, node = :node, #time = :time, start_ms = :start, #token = :token${outcome.exitCode === undefined ? "" : ", exit_code = :exit"}${outcome.signal ? ", #signal = :signal" : ""}${outcome.logUrl ? ", log_url = :logUrl" : ""}${outcome.logError ? ", log_error = :logError" : ""}`,
          // SIGNAL is a DynamoDB reserved word too, so it needs a name placeholder like STATE and TIME.
          ExpressionAttributeNames: {
            "#state": "state",
            "#time": "time",
            "#token": "token",
            ...(outcome.signal ? { "#signal": "signal" } : {}),
          },
          ExpressionAttributeValues: {
            ":state": { S: outcome.state },
            ...(outcome.exitCode === undefined ? {} : { ":exit": { N: String(outcome.exitCode) } }),
            ":duration": { N: String(outcome.durationMs) },
            ":node": { S: run.node },
            ":time": { S: run.time },
            ":start": { N: String(run.startMs) },
            ":token": { S: run.token },
            ...(outcome.signal ? { ":signal": { S: outcome.signal } } : {}),
            ...(outcome.logUrl ? { ":logUrl": { S: outcome.logUrl } } : {}),
            ...(outcome.logError ? { ":logError": { S: outcome.logError } } : {}),
          },
        }),
      )
      .then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          return false;
        },
      );
    // The head is released only while it still carries this run's token, so that a late
    // outcome never clears a newer holder's lease.
    const headRelease = this.client
      .send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: headKey(run.jobId),
          UpdateExpression: "SET #state = :state, #lease = :end",
          ConditionExpression: "#token = :token",
          ExpressionAttributeNames: { "#state": "state", "#lease": "lease_until_ms", "#token": "token" },
          ExpressionAttributeValues: {
            ":state": { S: outcome.state },
            ":end": { N: String(endMs) },
            ":token": { S: run.token },
          },
        }),
      )
      .catch((error) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        this.options.logger.warn(`job ${run.jobId} has a newer holder; its head was left as it is`);
      });
    const [recorded] = await Promise.all([runUpdate, headRelease]).catch((error) => {
      throw new Error(describeAwsError(error), { cause: error });
    });
    return recorded;
  }

  async readHead(jobId: string): Promise<Head | undefined> {
    const item = await this.getHeadItem(jobId);
    return item ? headFromItem(item) : undefined;
  }

  async listRuns(jobId: string, limit: number): Promise<RunRecord[]> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "#job = :job AND #counter > :zero",
        ExpressionAttributeNames: { "#job": "job_id", "#counter": "counter" },
        ExpressionAttributeValues: { ":job": { S: jobId }, ":zero": { N: "0" } },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (output.Items ?? []).map(runFromItem);
  }

  async listJobs(): Promise<Head[]> {
    const heads = (await scanHeadItems(this.client, this.table)).map(headFromItem);
    // Code-point order, as SQLite's ORDER BY sorts the embedded store's jobs.
    return heads.sort((a, b) => {
      if (a.jobId === b.jobId) return 0;
      return a.jobId < b.jobId ? -1 : 1;
    });
  }

  async release(request: ReleaseRequest): Promise<ReleaseResult> {
    return releaseJob(this.client, this.table, request, headFromItem);
  }

  async initialize(): Promise<InitResult> {
    return initializeTable(this.client, this.table, this.options.logger, this.options.tableWaitMs ?? 60000);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async getHeadItem(jobId: string, abortSignal?: AbortSignal): Promise<Item | undefined> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: headKey(jobId), ConsistentRead: true }),
      { abortSignal },
    );
    return output.Item;
  }

  /**
   * Creates the table with on-demand billing, or joins a creation another host started
   * (ResourceInUseException), then waits until it is ACTIVE.
   */
  private async ensureTable(): Promise<void> {
    try {
      await this.client.send(new CreateTableCommand(tableDefinition(this.table)));
      this.options.logger.info(`table ${this.table} created`);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) {
        throw new ReserveError(`could not create table ${this.table}: ${describeAwsError(error)}`, { cause: error });
      }
      this.options.logger.debug(`table ${this.table} is being created by another contender`);
    }
    await this.waitForActive();
  }

  private async waitForActive(): Promise<void> {
    const waitMs = this.options.tableWaitMs ?? tableWaitFromEnv() ?? 60000;
    try {
      await waitUntilActive(this.client, this.table, waitMs);
      this.options.logger.debug(`table ${this.table} is active`);
    } catch (error) {
      if (error instanceof TableSetupError)
        throw new ReserveError(`${error.message}; the command did not run`, { cause: error });
      throw new ReserveError(`could not read the status of table ${this.table}: ${describeAwsError(error)}`, {
        cause: error,
      });
    }
  }
}

/** Reads RUNJOP_TABLE_WAIT_SECONDS, the bound on waiting for a new table; invalid values are ignored. */
function tableWaitFromEnv(): number | undefined {
  const seconds = Number(process.env.RUNJOP_TABLE_WAIT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** Resolves the region as the SDK does (AWS_REGION, profile), then falls back to us-east-1. */
async function regionOrDefault(): Promise<string> {
  try {
    return await loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)();
  } catch {
    return defaults.region;
  }
}

function headKey(jobId: string): Item {
  return { job_id: { S: jobId }, counter: { N: headCounter } };
}

/**
 * Builds the reservation's UpdateItem: the rule of isReservable() in rules.ts as a
 * ConditionExpression, evaluated by DynamoDB in the same write. Without a condition (force
 * with allowOverlap) the write always succeeds.
 */
export function reserveExpressions(request: ReserveRequest): {
  updateExpression: string;
  conditionExpression?: string;
  values: Item;
} {
  const values: Item = {
    ":zero": { N: "0" },
    ":one": { N: "1" },
    ":node": { S: request.node },
    ":token": { S: request.token },
    ":time": { S: formatUtc(request.nowMs) },
    ":now": { N: String(request.nowMs) },
    ":lease": { N: String(request.nowMs + request.leaseMs) },
    ":running": { S: "running" },
    ":rangeStart": { N: String(request.nowMs - request.rangeMs) },
  };
  const sets = [
    "#last = if_not_exists(#last, :zero) + :one",
    "#node = :node",
    "#token = :token",
    "#time = :time",
    "#start = :now",
    "#lease = :lease",
    "#state = :running",
  ];
  const removes: string[] = [];
  if (request.occurrenceMs !== undefined) {
    values[":occurrence"] = { N: String(request.occurrenceMs) };
    sets.push("#occurrence = :occurrence");
  }
  if (request.retry) {
    values[":retryKey"] = { S: request.retry.key };
    values[":retryAttempt"] = { N: String(request.retry.attempt) };
    sets.push("#retryKey = :retryKey", "#retryAttempt = :retryAttempt");
  } else {
    removes.push("#retryKey", "#retryAttempt");
  }
  const updateExpression = `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`;

  let timing: string | undefined;
  if (request.force) timing = undefined;
  else if (request.occurrenceMs !== undefined)
    timing = "attribute_not_exists(#occurrence) OR #occurrence < :occurrence";
  else timing = "#start <= :rangeStart";
  const free = request.allowOverlap ? undefined : "#state <> :running OR #lease < :now";
  const parts = [timing, free].filter((clause) => clause !== undefined);
  if (parts.length === 0) return { updateExpression, values };

  // DynamoDB rejects doubled parentheses, so each part is wrapped once.
  const reservable = parts.map((part) => (part.includes(" OR ") ? `(${part})` : part)).join(" AND ");
  const clauses = ["attribute_not_exists(#job)", parts.length > 1 ? `(${reservable})` : reservable];
  if (request.retry) {
    retryableStates.forEach((state, index) => (values[`:retryable${index}`] = { S: state }));
    const states = retryableStates.map((_, index) => `:retryable${index}`).join(", ");
    clauses.push(
      `(#retryKey = :retryKey AND #retryAttempt < :retryAttempt AND (#state IN (${states}) OR (#state = :running AND #lease < :now)))`,
    );
  }
  return { updateExpression, conditionExpression: clauses.join(" OR "), values };
}

/** Keeps the entries whose placeholder (such as #state or :now) occurs in the expressions. */
function pickUsed<T>(record: Record<string, T>, expressions: string): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => new RegExp(`${key}(?![A-Za-z0-9_])`).test(expressions)),
  );
}

function headFromItem(item: Item): Head {
  return {
    jobId: item.job_id?.S ?? "",
    counter: Number(item.last_counter?.N ?? 0),
    node: item.node?.S ?? "",
    token: item.token?.S ?? "",
    startMs: Number(item.start_ms?.N ?? 0),
    leaseUntilMs: Number(item.lease_until_ms?.N ?? 0),
    state: (item.state?.S ?? "running") as RunState,
    occurrenceMs: item.occurrence_ms?.N === undefined ? undefined : Number(item.occurrence_ms.N),
    retry:
      item.retry_key?.S === undefined
        ? undefined
        : { key: item.retry_key.S, attempt: Number(item.retry_attempt?.N ?? 0) },
  };
}

function runFromItem(item: Item): RunRecord {
  return {
    jobId: item.job_id?.S ?? "",
    counter: Number(item.counter?.N ?? 0),
    node: item.node?.S ?? "",
    time: item.time?.S ?? "",
    startMs: Number(item.start_ms?.N ?? 0),
    token: item.token?.S ?? "",
    state: (item.state?.S ?? "running") as RunState,
    exitCode: item.exit_code?.N === undefined ? undefined : Number(item.exit_code.N),
    durationMs: item.duration_ms?.N === undefined ? undefined : Number(item.duration_ms.N),
    command: item.command?.S,
    signal: item.signal?.S,
    logUrl: item.log_url?.S,
    logError: item.log_error?.S,
    expiresAt: item[ttlAttribute]?.N === undefined ? undefined : Number(item[ttlAttribute].N),
    releasedBy: item.released_by?.S,
    forced: item.forced?.BOOL,
    occurrenceMs: item.occurrence_ms?.N === undefined ? undefined : Number(item.occurrence_ms.N),
  };
}

const credentialErrors = new Set([
  "CredentialsProviderError",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "ExpiredToken",
  "InvalidClientTokenId",
  "MissingAuthenticationToken",
]);

/** Returns one line naming what failed and what to check, without secrets. */
export function describeAwsError(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const message = messageOf(error);
  if (credentialErrors.has(name)) {
    return `AWS credentials missing, invalid or expired (${name}: ${message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use an instance role`;
  }
  if (name === "AccessDeniedException") {
    return `access denied (${message}); the IAM policy in the README lists the DynamoDB actions runjop needs`;
  }
  if (name === "TimeoutError" || /timed? ?out/i.test(message)) {
    return `the request timed out after ${requestLimits.maxAttempts} attempts (${message}); check the endpoint and the network`;
  }
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ECONNRESET" || code === "EHOSTUNREACH") {
    return `the endpoint is unreachable (${code}: ${message}) after ${requestLimits.maxAttempts} attempts; check --endpoint-url, the region and the network`;
  }
  return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}

function isNetworkOrServerError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (error instanceof Error && credentialErrors.has(error.name)) return false;
  return status === undefined;
}

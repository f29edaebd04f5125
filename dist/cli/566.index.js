export const id = 566;
export const ids = [566];
export const modules = {

/***/ 2566:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DynamoStore: () => (/* binding */ DynamoStore),
  describeAwsError: () => (/* binding */ describeAwsError)
});

// UNUSED EXPORTS: requestLimits, reserveExpressions

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js
var dist_cjs = __webpack_require__(4305);
// EXTERNAL MODULE: ./node_modules/@smithy/config-resolver/dist-cjs/index.js
var config_resolver_dist_cjs = __webpack_require__(9316);
// EXTERNAL MODULE: ./node_modules/@smithy/node-config-provider/dist-cjs/index.js
var node_config_provider_dist_cjs = __webpack_require__(5704);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/settings.ts
var settings = __webpack_require__(8750);
;// CONCATENATED MODULE: ./src/store/dynamodb-admin.ts


/**
 * Returns the table's CreateTable input: partition key job_id (S), sort key counter (N), and
 * on-demand billing, as both `runjop init` and a run on a missing table create it.
 */
function tableDefinition(table) {
    return {
        TableName: table,
        AttributeDefinitions: [
            { AttributeName: "job_id", AttributeType: "S" },
            { AttributeName: "counter", AttributeType: "N" },
        ],
        KeySchema: [
            { AttributeName: "job_id", KeyType: "HASH" },
            { AttributeName: "counter", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
    };
}
/** Attribute that DynamoDB's time to live reads: seconds since the epoch, written on run items only. */
const ttlAttribute = "expires_at";
/** Release attempts when the head changes between the read and the conditional write. */
const releaseAttempts = 3;
/**
 * Reads every head record (counter 0) with a paginated Scan. A Scan reads the whole table, runs
 * included, so its cost grows with the history kept; `runjop history --id` uses a Query instead.
 */
async function scanHeadItems(client, table) {
    const heads = [];
    let startKey;
    do {
        const output = await client.send(new dist_cjs/* ScanCommand */.Zy5({
            TableName: table,
            FilterExpression: "#counter = :zero",
            ExpressionAttributeNames: { "#counter": "counter" },
            ExpressionAttributeValues: { ":zero": { N: "0" } },
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
        }));
        heads.push(...(output.Items ?? []));
        startKey = output.LastEvaluatedKey;
    } while (startKey);
    return heads;
}
/**
 * Marks the head and the holder's run item `released`, with the releasing node and time. The head
 * write is conditional on the token that was read, so that a contender that reserved the job in the
 * meantime keeps it; on such a race the head is read again, at most `releaseAttempts` times.
 */
async function releaseJob(client, table, request, parseHead) {
    for (let attempt = 1;; attempt++) {
        const output = await client.send(new dist_cjs/* GetItemCommand */.ZKh({
            TableName: table,
            Key: key(request.jobId, 0),
            ConsistentRead: true,
        }));
        if (!output.Item)
            return { kind: "not_found" };
        const head = parseHead(output.Item);
        if (head.state !== "running")
            return { kind: "not_running", head };
        if (!request.force && head.leaseUntilMs >= request.nowMs)
            return { kind: "lease_live", head };
        const values = {
            ":released": { S: "released" },
            ":running": { S: "running" },
            ":token": { S: head.token },
            ":node": { S: request.node },
            ":now": { N: String(request.nowMs) },
        };
        try {
            await client.send(new dist_cjs/* UpdateItemCommand */.Cs({
                TableName: table,
                Key: key(request.jobId, 0),
                UpdateExpression: "SET #state = :released, #lease = :now, released_by = :node, released_ms = :now",
                ConditionExpression: `#token = :token AND #state = :running${request.force ? "" : " AND #lease < :now"}`,
                ExpressionAttributeNames: {
                    "#state": "state",
                    "#lease": "lease_until_ms",
                    "#token": "token",
                },
                ExpressionAttributeValues: values,
            }));
        }
        catch (error) {
            if (error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo && attempt < releaseAttempts)
                continue;
            throw error;
        }
        await client
            .send(new dist_cjs/* UpdateItemCommand */.Cs({
            TableName: table,
            Key: key(request.jobId, head.counter),
            UpdateExpression: "SET #state = :released, released_by = :node, released_ms = :now",
            ConditionExpression: "#token = :token AND #state = :running",
            ExpressionAttributeNames: { "#state": "state", "#token": "token" },
            ExpressionAttributeValues: values,
        }))
            .catch((error) => {
            // The run item is missing when its start record was lost, or finished in the meantime.
            if (!(error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo))
                throw error;
        });
        return { kind: "released", head };
    }
}
/**
 * Creates the table with on-demand billing unless it exists, waits until it is ACTIVE, and enables
 * time to live on `expires_at`. Point-in-time recovery is left as it is: off on a new table.
 */
async function initializeTable(client, table, logger, waitMs) {
    let created = false;
    try {
        await client.send(new dist_cjs/* DescribeTableCommand */.h8C({ TableName: table }));
    }
    catch (error) {
        if (!(error instanceof dist_cjs/* ResourceNotFoundException */.lBX))
            throw error;
        try {
            await client.send(new dist_cjs/* CreateTableCommand */.IxS(tableDefinition(table)));
            created = true;
            logger.info(`creating table ${table} with on-demand billing`);
        }
        catch (createError) {
            if (!(createError instanceof dist_cjs/* ResourceInUseException */.WTW))
                throw createError;
        }
    }
    await waitUntilActive(client, table, waitMs);
    const ttl = await client.send(new dist_cjs/* DescribeTimeToLiveCommand */.zyW({ TableName: table }));
    const description = ttl.TimeToLiveDescription;
    const status = description?.TimeToLiveStatus ?? "DISABLED";
    if (status === "ENABLED" || status === "ENABLING") {
        if (description?.AttributeName !== ttlAttribute) {
            throw new TableSetupError(`table ${table} has time to live on attribute '${description?.AttributeName}', but runjop writes '${ttlAttribute}': disable it on the table, then run 'runjop init' again`);
        }
        logger.info(`time to live is already ${status.toLowerCase()} on attribute ${ttlAttribute}`);
    }
    else {
        try {
            await client.send(new dist_cjs/* UpdateTimeToLiveCommand */.Btq({
                TableName: table,
                TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
            }));
        }
        catch (error) {
            // Some DynamoDB-compatible servers, such as dynalite, do not implement UpdateTimeToLive.
            throw new TableSetupError(`cannot enable TTL on ${ttlAttribute} (UpdateTimeToLive): ${describeAwsError(error)}`, {
                cause: error,
            });
        }
        logger.info(`time to live enabled on attribute ${ttlAttribute}`);
    }
    return { created, ttlAttribute };
}
/** A table whose settings conflict with runjop's. */
class TableSetupError extends Error {
    name = "TableSetupError";
}
/** Polls DescribeTable until the table is ACTIVE, for at most `waitMs`; a table not found yet is waited for. */
async function waitUntilActive(client, table, waitMs) {
    const deadline = Date.now() + waitMs;
    let status = "missing";
    while (Date.now() < deadline) {
        try {
            const output = await client.send(new dist_cjs/* DescribeTableCommand */.h8C({ TableName: table }));
            status = output.Table?.TableStatus ?? "unknown";
            if (status === "ACTIVE")
                return;
        }
        catch (error) {
            if (!(error instanceof dist_cjs/* ResourceNotFoundException */.lBX))
                throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
    }
    throw new TableSetupError(`table ${table} did not become ACTIVE within ${Math.round(waitMs / 1000)} s (last status: ${status})`);
}
function key(jobId, counter) {
    return { job_id: { S: jobId }, counter: { N: String(counter) } };
}

// EXTERNAL MODULE: ./src/store/rules.ts
var rules = __webpack_require__(1730);
// EXTERNAL MODULE: ./src/store/clock.ts
var clock = __webpack_require__(7931);
// EXTERNAL MODULE: ./src/store/types.ts
var types = __webpack_require__(7940);
;// CONCATENATED MODULE: ./src/store/dynamodb.ts









/**
 * Request limits that bound how long an unreachable or silent endpoint can hold runjop: about
 * 3 x 8 s, the backoff, then one 5 s check whether the write landed, so under 30 s in all.
 * The request timeout also counts time the process waits for the CPU, so it is kept long
 * enough for a host overloaded by hundreds of processes, with fewer attempts in exchange.
 */
const requestLimits = {
    /** Milliseconds to open a TCP connection. */
    connectionTimeoutMs: 3000,
    /** Milliseconds a request may wait for its response. */
    requestTimeoutMs: 8000,
    /** Attempts per request, including the first, with the SDK's jittered exponential backoff. */
    maxAttempts: 3,
    /** Milliseconds of the one GetItem that checks whether a write whose attempts all failed landed anyway. */
    landedCheckTimeoutMs: 5000,
};
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
class DynamoStore {
    options;
    description;
    client;
    table;
    clock = new clock/* StoreClock */.mM();
    constructor(options) {
        this.options = options;
        this.table = options.table;
        this.client = new dist_cjs/* DynamoDBClient */.MGV({
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
        if (options.endpointUrl)
            where = ` at ${options.endpointUrl}`;
        else if (options.region)
            where = ` in ${options.region}`;
        this.description = `DynamoDB table ${options.table}${where}`;
    }
    async reserve(request) {
        const { previousItem, ...reservation } = await this.reserveCreatingTable(request);
        // The store's clock is known only from the responses, so the check follows the write.
        const verdict = (0,clock/* checkOffset */.g9)(this.clock.offset(), request, this.options.logger);
        if ("error" in verdict) {
            if (reservation.won)
                await this.rollBack(request, previousItem);
            throw verdict.error;
        }
        if (reservation.won && verdict.startAfterMs !== undefined)
            return { ...reservation, startAfterMs: verdict.startAfterMs };
        return reservation;
    }
    async reserveCreatingTable(request) {
        try {
            return await this.reserveOnce(request);
        }
        catch (error) {
            if (!(error instanceof dist_cjs/* ResourceNotFoundException */.lBX))
                throw error;
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
    async rollBack(request, previousItem) {
        const mine = {
            ConditionExpression: "#token = :token",
            ExpressionAttributeNames: { "#token": "token" },
            ExpressionAttributeValues: { ":token": { S: request.token } },
        };
        try {
            if (previousItem) {
                await this.client.send(new dist_cjs/* PutItemCommand */.qnp({ TableName: this.table, Item: previousItem, ...mine }));
            }
            else if (previousItem === null) {
                await this.client.send(new dist_cjs/* DeleteItemCommand */.gEv({ TableName: this.table, Key: headKey(request.jobId), ...mine }));
            }
            else {
                const storeNowMs = Date.now() - (this.clock.offset()?.offsetMs ?? 0);
                await this.client.send(new dist_cjs/* UpdateItemCommand */.Cs({
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
                }));
            }
            this.options.logger.info(`released the reservation of job ${request.jobId}`);
        }
        catch (error) {
            this.options.logger.error(`could not release the reservation of job ${request.jobId}; its lease lapses in ${request.leaseMs / 1000} s: ${describeAwsError(error)}`);
        }
    }
    async reserveOnce(request) {
        const { updateExpression, conditionExpression, values } = reserveExpressions(request);
        const expressions = `${updateExpression} ${conditionExpression ?? ""}`;
        try {
            const output = await this.client.send(new dist_cjs/* UpdateItemCommand */.Cs({
                TableName: this.table,
                Key: headKey(request.jobId),
                UpdateExpression: updateExpression,
                ConditionExpression: conditionExpression,
                // DynamoDB rejects names and values that the expressions do not use.
                ExpressionAttributeNames: pickUsed(names, expressions),
                ExpressionAttributeValues: pickUsed(values, expressions),
                ReturnValues: "ALL_OLD",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            }));
            const previous = output.Attributes ? headFromItem(output.Attributes) : undefined;
            return {
                won: true,
                counter: (previous?.counter ?? 0) + 1,
                abandoned: previous?.state === "running" ? previous : undefined,
                attempts: output.$metadata.attempts ?? 1,
                previousItem: output.Attributes ?? null,
            };
        }
        catch (error) {
            if (error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo)
                return this.resolveConflict(request, error);
            if (error instanceof dist_cjs/* ResourceNotFoundException */.lBX)
                throw error;
            return this.resolveFailure(request, error);
        }
    }
    /**
     * Decides a failed condition. Another contender owns the range, unless an earlier attempt of
     * this request succeeded and only its response was lost, in which case the head carries our
     * token. DynamoDB returns the head with the error (ReturnValuesOnConditionCheckFailure). Servers
     * that ignore that parameter, such as dynalite, need one GetItem, made only when the SDK retried.
     */
    async resolveConflict(request, error) {
        const attempts = error.$metadata?.attempts ?? 1;
        let item = error.Item;
        if (!item && attempts > 1)
            item = await this.getHeadItem(request.jobId);
        const head = item ? headFromItem(item) : undefined;
        if (head && head.token === request.token) {
            this.options.logger.debug(`reservation response was lost after ${attempts} attempts; the head carries this contender's token`);
            return { won: true, counter: head.counter, attempts: attempts + (error.Item ? 0 : 1) };
        }
        return { won: false, holder: head, attempts: attempts + (!error.Item && attempts > 1 ? 1 : 0) };
    }
    /** After a failure with no response, checks once whether the write landed anyway, and raises if not. */
    async resolveFailure(request, error) {
        const cause = describeAwsError(error);
        if (isNetworkOrServerError(error)) {
            try {
                const item = await this.getHeadItem(request.jobId, AbortSignal.timeout(requestLimits.landedCheckTimeoutMs));
                const head = item ? headFromItem(item) : undefined;
                if (head && head.token === request.token) {
                    this.options.logger.warn(`reservation response failed (${cause}), but the write landed; running`);
                    return { won: true, counter: head.counter, attempts: 0 };
                }
            }
            catch {
                // The store is still unreachable: report the original failure below.
            }
        }
        throw new errors/* ReserveError */.JH(`could not reserve job ${request.jobId} in ${this.description}: ${cause}`, { cause: error });
    }
    /**
     * Takes over a dead run with one UpdateItem whose condition is canTakeOver() in rules.ts. A
     * failed condition means another standby took over or the run finished, unless an earlier
     * attempt of this very request landed: that is checked by one GetItem, as for reservations.
     */
    async takeOver(request) {
        const won = { won: true, counter: request.holder.counter + 1, abandoned: request.holder, attempts: 1 };
        try {
            const output = await this.client.send(new dist_cjs/* UpdateItemCommand */.Cs({
                TableName: this.table,
                Key: headKey(request.jobId),
                UpdateExpression: "SET #last = #last + :one, #node = :node, #token = :token, #time = :time, #start = :now, #lease = :lease, #state = :running",
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
                    ":time": { S: (0,types/* formatUtc */.a)(request.nowMs) },
                    ":now": { N: String(request.nowMs) },
                    ":lease": { N: String(request.nowMs + request.leaseMs) },
                    ":running": { S: "running" },
                },
                ReturnValues: "ALL_OLD",
            }));
            const previous = output.Attributes ? headFromItem(output.Attributes) : request.holder;
            return { ...won, counter: previous.counter + 1, abandoned: previous, attempts: output.$metadata.attempts ?? 1 };
        }
        catch (error) {
            const conditionFailed = error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo;
            const attempts = error.$metadata?.attempts ?? 1;
            if (conditionFailed && attempts === 1)
                return { won: false, attempts };
            if (!conditionFailed && !isNetworkOrServerError(error))
                throw new Error(describeAwsError(error), { cause: error });
            // An earlier attempt may have landed with its response lost: the head then carries this token.
            const item = await this.getHeadItem(request.jobId, AbortSignal.timeout(requestLimits.landedCheckTimeoutMs));
            const head = item ? headFromItem(item) : undefined;
            if (head?.token === request.token)
                return { ...won, counter: head.counter, attempts: attempts + 1 };
            if (conditionFailed)
                return { won: false, holder: head, attempts: attempts + 1 };
            throw new Error(describeAwsError(error), { cause: error });
        }
    }
    async recordStart(run, abandoned) {
        const writes = [
            this.client.send(new dist_cjs/* PutItemCommand */.qnp({
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
            })),
        ];
        if (abandoned) {
            // Only a run item still marked running by its own token becomes abandoned. A holder that
            // died between its reservation and its start record left no run item: one is written from
            // the head, so that the log still shows the lost run.
            writes.push(this.client
                .send(new dist_cjs/* UpdateItemCommand */.Cs({
                TableName: this.table,
                Key: { job_id: { S: abandoned.jobId }, counter: { N: String(abandoned.counter) } },
                UpdateExpression: "SET #state = :abandoned, #token = :token, #node = if_not_exists(#node, :node), #start = if_not_exists(#start, :start), #time = if_not_exists(#time, :time)",
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
                    ":time": { S: (0,types/* formatUtc */.a)(abandoned.startMs) },
                },
            }))
                .catch((error) => {
                if (!(error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo))
                    throw error;
            }));
        }
        await Promise.all(writes);
    }
    async extendLease(jobId, token, leaseUntilMs) {
        try {
            await this.client.send(new dist_cjs/* UpdateItemCommand */.Cs({
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
            }));
            return true;
        }
        catch (error) {
            if (error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo)
                return false;
            throw new Error(describeAwsError(error), { cause: error });
        }
    }
    async recordOutcome(run, outcome) {
        const endMs = run.startMs + outcome.durationMs;
        // Only the contender whose token the run item carries records the outcome; the item may be
        // missing when the write at the start failed.
        const runUpdate = this.client
            .send(new dist_cjs/* UpdateItemCommand */.Cs({
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
        }))
            .then(() => true, (error) => {
            if (!(error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo))
                throw error;
            return false;
        });
        // The head is released only while it still carries this run's token, so that a late
        // outcome never clears a newer holder's lease.
        const headRelease = this.client
            .send(new dist_cjs/* UpdateItemCommand */.Cs({
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
        }))
            .catch((error) => {
            if (!(error instanceof dist_cjs/* ConditionalCheckFailedException */.jPo))
                throw error;
            this.options.logger.warn(`job ${run.jobId} has a newer holder; its head was left as it is`);
        });
        const [recorded] = await Promise.all([runUpdate, headRelease]).catch((error) => {
            throw new Error(describeAwsError(error), { cause: error });
        });
        return recorded;
    }
    async readHead(jobId) {
        const item = await this.getHeadItem(jobId);
        return item ? headFromItem(item) : undefined;
    }
    async listRuns(jobId, limit) {
        const output = await this.client.send(new dist_cjs/* QueryCommand */.sfZ({
            TableName: this.table,
            KeyConditionExpression: "#job = :job AND #counter > :zero",
            ExpressionAttributeNames: { "#job": "job_id", "#counter": "counter" },
            ExpressionAttributeValues: { ":job": { S: jobId }, ":zero": { N: "0" } },
            ScanIndexForward: false,
            Limit: limit,
        }));
        return (output.Items ?? []).map(runFromItem);
    }
    async listJobs() {
        const heads = (await scanHeadItems(this.client, this.table)).map(headFromItem);
        // Code-point order, as SQLite's ORDER BY sorts the embedded store's jobs.
        return heads.sort((a, b) => {
            if (a.jobId === b.jobId)
                return 0;
            return a.jobId < b.jobId ? -1 : 1;
        });
    }
    async release(request) {
        return releaseJob(this.client, this.table, request, headFromItem);
    }
    async initialize() {
        return initializeTable(this.client, this.table, this.options.logger, this.options.tableWaitMs ?? 60000);
    }
    async close() {
        this.client.destroy();
    }
    async getHeadItem(jobId, abortSignal) {
        const output = await this.client.send(new dist_cjs/* GetItemCommand */.ZKh({ TableName: this.table, Key: headKey(jobId), ConsistentRead: true }), { abortSignal });
        return output.Item;
    }
    /**
     * Creates the table with on-demand billing, or joins a creation another host started
     * (ResourceInUseException), then waits until it is ACTIVE.
     */
    async ensureTable() {
        try {
            await this.client.send(new dist_cjs/* CreateTableCommand */.IxS(tableDefinition(this.table)));
            this.options.logger.info(`table ${this.table} created`);
        }
        catch (error) {
            if (!(error instanceof dist_cjs/* ResourceInUseException */.WTW)) {
                throw new errors/* ReserveError */.JH(`could not create table ${this.table}: ${describeAwsError(error)}`, { cause: error });
            }
            this.options.logger.debug(`table ${this.table} is being created by another contender`);
        }
        await this.waitForActive();
    }
    async waitForActive() {
        const waitMs = this.options.tableWaitMs ?? tableWaitFromEnv() ?? 60000;
        try {
            await waitUntilActive(this.client, this.table, waitMs);
            this.options.logger.debug(`table ${this.table} is active`);
        }
        catch (error) {
            if (error instanceof TableSetupError)
                throw new errors/* ReserveError */.JH(`${error.message}; the command did not run`, { cause: error });
            throw new errors/* ReserveError */.JH(`could not read the status of table ${this.table}: ${describeAwsError(error)}`, {
                cause: error,
            });
        }
    }
}
/** Reads RUNJOP_TABLE_WAIT_SECONDS, the bound on waiting for a new table; invalid values are ignored. */
function tableWaitFromEnv() {
    const seconds = Number(process.env.RUNJOP_TABLE_WAIT_SECONDS);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
/** Resolves the region as the SDK does (AWS_REGION, profile), then falls back to us-east-1. */
async function regionOrDefault() {
    try {
        return await (0,node_config_provider_dist_cjs/* loadConfig */.Z)(config_resolver_dist_cjs/* NODE_REGION_CONFIG_OPTIONS */.GG, config_resolver_dist_cjs/* NODE_REGION_CONFIG_FILE_OPTIONS */.zH)();
    }
    catch {
        return settings/* defaults */.NT.region;
    }
}
function headKey(jobId) {
    return { job_id: { S: jobId }, counter: { N: headCounter } };
}
/**
 * Builds the reservation's UpdateItem: the rule of isReservable() in rules.ts as a
 * ConditionExpression, evaluated by DynamoDB in the same write. Without a condition (force
 * with allowOverlap) the write always succeeds.
 */
function reserveExpressions(request) {
    const values = {
        ":zero": { N: "0" },
        ":one": { N: "1" },
        ":node": { S: request.node },
        ":token": { S: request.token },
        ":time": { S: (0,types/* formatUtc */.a)(request.nowMs) },
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
    const removes = [];
    if (request.occurrenceMs !== undefined) {
        values[":occurrence"] = { N: String(request.occurrenceMs) };
        sets.push("#occurrence = :occurrence");
    }
    if (request.retry) {
        values[":retryKey"] = { S: request.retry.key };
        values[":retryAttempt"] = { N: String(request.retry.attempt) };
        sets.push("#retryKey = :retryKey", "#retryAttempt = :retryAttempt");
    }
    else {
        removes.push("#retryKey", "#retryAttempt");
    }
    const updateExpression = `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`;
    let timing;
    if (request.force)
        timing = undefined;
    else if (request.occurrenceMs !== undefined)
        timing = "attribute_not_exists(#occurrence) OR #occurrence < :occurrence";
    else
        timing = "#start <= :rangeStart";
    const free = request.allowOverlap ? undefined : "#state <> :running OR #lease < :now";
    const parts = [timing, free].filter((clause) => clause !== undefined);
    if (parts.length === 0)
        return { updateExpression, values };
    // DynamoDB rejects doubled parentheses, so each part is wrapped once.
    const reservable = parts.map((part) => (part.includes(" OR ") ? `(${part})` : part)).join(" AND ");
    const clauses = ["attribute_not_exists(#job)", parts.length > 1 ? `(${reservable})` : reservable];
    if (request.retry) {
        rules/* retryableStates */.$Q.forEach((state, index) => (values[`:retryable${index}`] = { S: state }));
        const states = rules/* retryableStates */.$Q.map((_, index) => `:retryable${index}`).join(", ");
        clauses.push(`(#retryKey = :retryKey AND #retryAttempt < :retryAttempt AND (#state IN (${states}) OR (#state = :running AND #lease < :now)))`);
    }
    return { updateExpression, conditionExpression: clauses.join(" OR "), values };
}
/** Keeps the entries whose placeholder (such as #state or :now) occurs in the expressions. */
function pickUsed(record, expressions) {
    return Object.fromEntries(Object.entries(record).filter(([key]) => new RegExp(`${key}(?![A-Za-z0-9_])`).test(expressions)));
}
function headFromItem(item) {
    return {
        jobId: item.job_id?.S ?? "",
        counter: Number(item.last_counter?.N ?? 0),
        node: item.node?.S ?? "",
        token: item.token?.S ?? "",
        startMs: Number(item.start_ms?.N ?? 0),
        leaseUntilMs: Number(item.lease_until_ms?.N ?? 0),
        state: (item.state?.S ?? "running"),
        occurrenceMs: item.occurrence_ms?.N === undefined ? undefined : Number(item.occurrence_ms.N),
        retry: item.retry_key?.S === undefined
            ? undefined
            : { key: item.retry_key.S, attempt: Number(item.retry_attempt?.N ?? 0) },
    };
}
function runFromItem(item) {
    return {
        jobId: item.job_id?.S ?? "",
        counter: Number(item.counter?.N ?? 0),
        node: item.node?.S ?? "",
        time: item.time?.S ?? "",
        startMs: Number(item.start_ms?.N ?? 0),
        token: item.token?.S ?? "",
        state: (item.state?.S ?? "running"),
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
function describeAwsError(error) {
    const name = error instanceof Error ? error.name : "";
    const message = (0,errors/* messageOf */.bD)(error);
    if (credentialErrors.has(name)) {
        return `AWS credentials missing, invalid or expired (${name}: ${message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use an instance role`;
    }
    if (name === "AccessDeniedException") {
        return `access denied (${message}); the IAM policy in the README lists the DynamoDB actions runjop needs`;
    }
    if (name === "TimeoutError" || /timed? ?out/i.test(message)) {
        return `the request timed out after ${requestLimits.maxAttempts} attempts (${message}); check the endpoint and the network`;
    }
    const code = error.code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ECONNRESET" || code === "EHOSTUNREACH") {
        return `the endpoint is unreachable (${code}: ${message}) after ${requestLimits.maxAttempts} attempts; check --endpoint-url, the region and the network`;
    }
    return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}
function isNetworkOrServerError(error) {
    const status = error.$metadata?.httpStatusCode;
    if (status !== undefined && status >= 500)
        return true;
    if (error instanceof Error && credentialErrors.has(error.name))
        return false;
    return status === undefined;
}


/***/ })

};

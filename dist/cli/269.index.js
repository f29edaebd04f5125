export const id = 269;
export const ids = [269];
export const modules = {

/***/ 3269:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DynamoStore: () => (/* binding */ DynamoStore)
/* harmony export */ });
/* unused harmony exports requestLimits, describeAwsError */
/* harmony import */ var _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4305);
/* harmony import */ var _smithy_config_resolver__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9316);
/* harmony import */ var _smithy_node_config_provider__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5704);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3916);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8750);
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7940);






/** Request limits that bound how long an unreachable or silent endpoint can hold runjop. */
const requestLimits = {
    /** Milliseconds to open a TCP connection. */
    connectionTimeoutMs: 3000,
    /** Milliseconds a request may wait for its response. */
    requestTimeoutMs: 5000,
    /** Attempts per request, including the first, with the SDK's jittered exponential backoff. */
    maxAttempts: 4,
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
};
/**
 * The DynamoDB store. Partition key job_id (S), sort key counter (N): counter 0 is the job's
 * head record, which each reservation updates with one conditional UpdateItem; counters 1, 2, ...
 * are the runs, the original tool's activity log.
 */
class DynamoStore {
    options;
    description;
    client;
    table;
    constructor(options) {
        this.options = options;
        this.table = options.table;
        this.client = new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .DynamoDBClient */ .MGV({
            region: options.region ?? regionOrDefault,
            ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
            maxAttempts: requestLimits.maxAttempts,
            requestHandler: {
                connectionTimeout: requestLimits.connectionTimeoutMs,
                requestTimeout: requestLimits.requestTimeoutMs,
                throwOnRequestTimeout: true,
            },
        });
        const where = options.endpointUrl ? ` at ${options.endpointUrl}` : options.region ? ` in ${options.region}` : "";
        this.description = `DynamoDB table ${options.table}${where}`;
    }
    async reserve(request) {
        try {
            return await this.reserveOnce(request);
        }
        catch (error) {
            if (!(error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ResourceNotFoundException */ .lBX))
                throw error;
            this.options.logger.info(`table ${this.table} not found; creating it`);
            await this.ensureTable();
            return await this.reserveOnce(request);
        }
    }
    async reserveOnce(request) {
        const values = {
            ":zero": { N: "0" },
            ":one": { N: "1" },
            ":node": { S: request.node },
            ":token": { S: request.token },
            ":time": { S: (0,_types_js__WEBPACK_IMPORTED_MODULE_3__/* .formatUtc */ .a)(request.nowMs) },
            ":now": { N: String(request.nowMs) },
            ":lease": { N: String(request.nowMs + request.leaseMs) },
            ":running": { S: "running" },
            ":rangeStart": { N: String(request.nowMs - request.rangeMs) },
        };
        // The rule of isReservable() in rules.ts, evaluated by DynamoDB in the same write.
        const free = request.allowOverlap ? "" : " AND (#state <> :running OR #lease < :now)";
        try {
            const output = await this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .UpdateItemCommand */ .Cs({
                TableName: this.table,
                Key: headKey(request.jobId),
                UpdateExpression: "SET #last = if_not_exists(#last, :zero) + :one, #node = :node, #token = :token, #time = :time, #start = :now, #lease = :lease, #state = :running",
                ConditionExpression: `attribute_not_exists(#job) OR (#start <= :rangeStart${free})`,
                ExpressionAttributeNames: omit(names, "#counter"),
                ExpressionAttributeValues: values,
                ReturnValues: "ALL_OLD",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            }));
            const previous = output.Attributes ? headFromItem(output.Attributes) : undefined;
            return {
                won: true,
                counter: (previous?.counter ?? 0) + 1,
                abandoned: previous?.state === "running" ? previous : undefined,
                attempts: output.$metadata.attempts ?? 1,
            };
        }
        catch (error) {
            if (error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ConditionalCheckFailedException */ .jPo)
                return this.resolveConflict(request, error);
            if (error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ResourceNotFoundException */ .lBX)
                throw error;
            return this.resolveFailure(request, error);
        }
    }
    /**
     * A failed condition means someone holds the range, unless an earlier attempt of this very
     * request succeeded and only its response was lost: then the head carries our token. DynamoDB
     * returns the head with the error (ReturnValuesOnConditionCheckFailure); servers that ignore that
     * parameter, such as dynalite, need one GetItem, made only when the SDK retried.
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
    /** After a failure with no answer, checks once whether the write landed anyway; else raises. */
    async resolveFailure(request, error) {
        const cause = describeAwsError(error);
        if (isNetworkOrServerError(error)) {
            try {
                const item = await this.getHeadItem(request.jobId, AbortSignal.timeout(requestLimits.requestTimeoutMs));
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ReserveError */ .JH(`could not reserve job ${request.jobId} in ${this.description}: ${cause}`, { cause: error });
    }
    async recordStart(run, abandoned) {
        const writes = [
            this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .PutItemCommand */ .qnp({
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
                },
            })),
        ];
        if (abandoned) {
            // Only a run item still marked running by its own token becomes abandoned.
            writes.push(this.client
                .send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .UpdateItemCommand */ .Cs({
                TableName: this.table,
                Key: { job_id: { S: abandoned.jobId }, counter: { N: String(abandoned.counter) } },
                UpdateExpression: "SET #state = :abandoned",
                ConditionExpression: "#token = :token AND #state = :running",
                ExpressionAttributeNames: { "#state": "state", "#token": "token" },
                ExpressionAttributeValues: {
                    ":abandoned": { S: "abandoned" },
                    ":token": { S: abandoned.token },
                    ":running": { S: "running" },
                },
            }))
                .catch((error) => {
                if (!(error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ConditionalCheckFailedException */ .jPo))
                    throw error;
            }));
        }
        await Promise.all(writes);
    }
    async extendLease(jobId, token, leaseUntilMs) {
        try {
            await this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .UpdateItemCommand */ .Cs({
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
            if (error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ConditionalCheckFailedException */ .jPo)
                return false;
            throw error;
        }
    }
    async recordOutcome(run, outcome) {
        const endMs = run.startMs + outcome.durationMs;
        const runUpdate = this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .UpdateItemCommand */ .Cs({
            TableName: this.table,
            Key: { job_id: { S: run.jobId }, counter: { N: String(run.counter) } },
            UpdateExpression: `SET #state = :state, exit_code = :exit, duration_ms = :duration, node = :node, #time = :time, start_ms = :start, #token = :token${outcome.signal ? ", signal = :signal" : ""}`,
            ExpressionAttributeNames: { "#state": "state", "#time": "time", "#token": "token" },
            ExpressionAttributeValues: {
                ":state": { S: outcome.state },
                ":exit": { N: String(outcome.exitCode) },
                ":duration": { N: String(outcome.durationMs) },
                ":node": { S: run.node },
                ":time": { S: run.time },
                ":start": { N: String(run.startMs) },
                ":token": { S: run.token },
                ...(outcome.signal ? { ":signal": { S: outcome.signal } } : {}),
            },
        }));
        // The head is released only while it still carries this run's token, so that a late
        // outcome never clears a newer holder's lease.
        const headRelease = this.client
            .send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .UpdateItemCommand */ .Cs({
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
            if (!(error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ConditionalCheckFailedException */ .jPo))
                throw error;
            this.options.logger.warn(`job ${run.jobId} has a newer holder; its head was left as it is`);
        });
        await Promise.all([runUpdate, headRelease]);
    }
    async readHead(jobId) {
        const item = await this.getHeadItem(jobId);
        return item ? headFromItem(item) : undefined;
    }
    async listRuns(jobId, limit) {
        const output = await this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .QueryCommand */ .sfZ({
            TableName: this.table,
            KeyConditionExpression: "#job = :job AND #counter > :zero",
            ExpressionAttributeNames: { "#job": "job_id", "#counter": "counter" },
            ExpressionAttributeValues: { ":job": { S: jobId }, ":zero": { N: "0" } },
            ScanIndexForward: false,
            Limit: limit,
        }));
        return (output.Items ?? []).map(runFromItem);
    }
    async close() {
        this.client.destroy();
    }
    async getHeadItem(jobId, abortSignal) {
        const output = await this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .GetItemCommand */ .ZKh({ TableName: this.table, Key: headKey(jobId), ConsistentRead: true }), { abortSignal });
        return output.Item;
    }
    /**
     * Creates the table with on-demand billing, or joins a creation another host started
     * (ResourceInUseException), then waits until it is ACTIVE.
     */
    async ensureTable() {
        try {
            await this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .CreateTableCommand */ .IxS({
                TableName: this.table,
                AttributeDefinitions: [
                    { AttributeName: "job_id", AttributeType: "S" },
                    { AttributeName: "counter", AttributeType: "N" },
                ],
                KeySchema: [
                    { AttributeName: "job_id", KeyType: "HASH" },
                    { AttributeName: "counter", KeyType: "RANGE" },
                ],
                BillingMode: "PAY_PER_REQUEST",
            }));
            this.options.logger.info(`table ${this.table} created`);
        }
        catch (error) {
            if (!(error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ResourceInUseException */ .WTW)) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ReserveError */ .JH(`could not create table ${this.table}: ${describeAwsError(error)}`, { cause: error });
            }
            this.options.logger.debug(`table ${this.table} is being created by another contender`);
        }
        await this.waitForActive();
    }
    async waitForActive() {
        const waitMs = this.options.tableWaitMs ?? 60000;
        const deadline = Date.now() + waitMs;
        let status = "missing";
        while (Date.now() < deadline) {
            try {
                const output = await this.client.send(new _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .DescribeTableCommand */ .h8C({ TableName: this.table }));
                status = output.Table?.TableStatus ?? "unknown";
                if (status === "ACTIVE") {
                    this.options.logger.debug(`table ${this.table} is active`);
                    return;
                }
            }
            catch (error) {
                if (!(error instanceof _aws_sdk_client_dynamodb__WEBPACK_IMPORTED_MODULE_2__/* .ResourceNotFoundException */ .lBX)) {
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ReserveError */ .JH(`could not read the status of table ${this.table}: ${describeAwsError(error)}`, { cause: error });
                }
            }
            await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 250));
        }
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ReserveError */ .JH(`table ${this.table} did not become ACTIVE within ${Math.round(waitMs / 1000)} s (last status: ${status}); the command did not run`);
    }
}
/** Resolves the region as the SDK does (AWS_REGION, profile), then falls back to us-east-1. */
async function regionOrDefault() {
    try {
        return await (0,_smithy_node_config_provider__WEBPACK_IMPORTED_MODULE_4__/* .loadConfig */ .Z)(_smithy_config_resolver__WEBPACK_IMPORTED_MODULE_5__/* .NODE_REGION_CONFIG_OPTIONS */ .GG, _smithy_config_resolver__WEBPACK_IMPORTED_MODULE_5__/* .NODE_REGION_CONFIG_FILE_OPTIONS */ .zH)();
    }
    catch {
        return _settings_js__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.region;
    }
}
function headKey(jobId) {
    return { job_id: { S: jobId }, counter: { N: headCounter } };
}
function omit(record, ...keys) {
    return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
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
    const message = (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .messageOf */ .bD)(error);
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

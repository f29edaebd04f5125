export const id = 872;
export const ids = [872,174];
export const modules = {

/***/ 8146:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ makeFolders)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);


/**
 * Creates a folder and its missing parents one level at a time, each with `mode` (before the
 * umask). mkdirSync's recursive mode loops for ever on some paths under /proc (seen with
 * Node 24.21), so it is not used here. Throws when a part of the path is a file.
 */
function makeFolders(folder, mode = 0o777) {
    const missing = [];
    let current = folder;
    while (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(current)) {
        missing.unshift(current);
        const parent = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(current);
        if (parent === current)
            break;
        current = parent;
    }
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(current) && !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(current).isDirectory())
        throw new Error(`${current} is not a folder`);
    for (const path of missing) {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(path, { mode });
        }
        catch (error) {
            if (error.code !== "EEXIST")
                throw error;
        }
    }
}


/***/ }),

/***/ 4174:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EL: () => (/* binding */ logFileName),
/* harmony export */   Up: () => (/* binding */ logKey),
/* harmony export */   embeddedTableName: () => (/* binding */ embeddedTableName)
/* harmony export */ });
/* unused harmony export safeNamePart */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);

/** Table part of the key for the embedded store, which has no table: the original tool's default table name. */
const embeddedTableName = "runjop";
/** Longest part of a name, in characters, so that the name fits a 255-byte file name and the key 1024 bytes. */
const maxPart = { table: 48, id: 96, node: 48 };
/**
 * Replaces each character outside A-Z a-z 0-9 '.' '_' '-' with '_': S3 keys accept more, but
 * '/', spaces, '%', '+' and non-ASCII text break URLs, shells and file names. Replacement keeps
 * the length, so the final key (logged by the caller) shows where each character was.
 */
function safeNamePart(text) {
    return text.replace(/[^A-Za-z0-9._-]/gu, "_");
}
/**
 * Makes a part safe, and cuts a long one. A part that was changed ends with '-' and 8 hex digits
 * of the original's SHA-256, so that ids such as "backup/db" and "backup_db", or two long ids
 * with the same start, keep distinct keys.
 */
function fit(text, max) {
    const safe = safeNamePart(text);
    if (safe === text && safe.length <= max)
        return safe;
    const digest = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)("sha256").update(text).digest("hex").slice(0, 8);
    return `${safe.slice(0, max - 9)}-${digest}`;
}
/** Formats the start time as YYYYMMDD-hhmmss in UTC. */
function stamp(startMs) {
    const iso = new Date(startMs).toISOString();
    return `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
}
/** Builds the file name `{table}-{id}-{YYYYMMDD}-{hhmmss}-{node}.log`, with the UTC start time of the run. */
function logFileName(parts) {
    const table = fit(parts.table, maxPart.table);
    const id = fit(parts.id, maxPart.id);
    const node = fit(parts.node, maxPart.node);
    return `${table}-${id}-${stamp(parts.startMs)}-${node}.log`;
}
/** Joins the prefix (no slash at either end, possibly empty) and the file name into the object key. */
function logKey(prefix, fileName) {
    return prefix === "" ? fileName : `${prefix}/${fileName}`;
}


/***/ }),

/***/ 1872:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  s3OutputLogOpener: () => (/* binding */ s3OutputLogOpener)
});

// UNUSED EXPORTS: createClient, describeS3Error, logFooter, logHeader, uploadLimits

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var dist_cjs = __webpack_require__(3711);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/lib-storage/dist-cjs/index.js
var lib_storage_dist_cjs = __webpack_require__(2358);
// EXTERNAL MODULE: ./node_modules/@smithy/config-resolver/dist-cjs/index.js
var config_resolver_dist_cjs = __webpack_require__(9316);
// EXTERNAL MODULE: ./node_modules/@smithy/node-config-provider/dist-cjs/index.js
var node_config_provider_dist_cjs = __webpack_require__(5704);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/folders.ts
var src_folders = __webpack_require__(8146);
// EXTERNAL MODULE: ./src/settings.ts
var settings = __webpack_require__(8750);
// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(8877);
// EXTERNAL MODULE: external "node:vm"
var external_node_vm_ = __webpack_require__(714);
;// CONCATENATED MODULE: ./src/upload/gc.ts


let gcFunction;
/**
 * Returns V8's gc() function, exposing it when Node was started without --expose-gc, or null
 * when that fails. Exposing it after start-up is not a documented Node API but a V8 flag.
 */
function loadGc() {
    if (gcFunction !== undefined)
        return gcFunction;
    try {
        (0,external_node_v8_.setFlagsFromString)("--expose-gc");
        gcFunction = (0,external_node_vm_.runInNewContext)("gc");
    }
    catch {
        gcFunction = null;
    }
    return gcFunction;
}
/**
 * Frees dead Buffers every `intervalBytes` of data. Each pipe read, each read of the local file
 * and each part of the upload allocates a new Buffer outside V8's heap, and V8 only starts a
 * collection for them after about 64 MB of new external memory. A full collection per 5 MiB
 * written and per 5 MiB read keeps runjop's resident memory close to what it uses. With the
 * start-up settings of bin/runjop.js, 1 GiB of output peaked at about 95 MB RSS with these
 * collections, and at 110 MB with one per 8 MiB written (2 cores, Node 24.21).
 */
class BufferCollector {
    intervalBytes;
    pending = 0;
    gc = loadGc();
    constructor(intervalBytes) {
        this.intervalBytes = intervalBytes;
    }
    /** Counts `bytes` of new data and collects once their total passes the interval. */
    count(bytes) {
        if (!this.gc)
            return;
        this.pending += bytes;
        if (this.pending < this.intervalBytes)
            return;
        this.pending = 0;
        this.gc({ type: "major" });
    }
}

// EXTERNAL MODULE: ./src/upload/key.ts
var upload_key = __webpack_require__(4174);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/upload/spool.ts


/**
 * An append-only local file that contains the whole log while a reader follows it. The writer
 * never waits for the reader: output the upload has not taken yet waits on disk, not in memory,
 * so a slow or failed upload neither blocks the command nor loses output.
 */
class Spool {
    path;
    written = 0;
    ended = false;
    wake;
    fd;
    constructor(path) {
        this.path = path;
        // "wx": a leftover file of the same name is never overwritten.
        this.fd = (0,external_node_fs_.openSync)(path, "wx", 0o600);
    }
    /** Bytes written so far. */
    get size() {
        return this.written;
    }
    /** Appends a chunk synchronously, so that chunks keep the order in which the caller got them. Throws on a disk error. */
    write(chunk) {
        let offset = 0;
        while (offset < chunk.length) {
            offset += (0,external_node_fs_.writeSync)(this.fd, chunk, offset, chunk.length - offset);
        }
        this.written += chunk.length;
        this.notify();
    }
    /** Marks the end of the log: a follower stops once it has read everything. */
    end() {
        if (this.ended)
            return;
        this.ended = true;
        (0,external_node_fs_.closeSync)(this.fd);
        this.notify();
    }
    /** Deletes the file; a file already gone is not an error. */
    remove() {
        try {
            (0,external_node_fs_.unlinkSync)(this.path);
        }
        catch (error) {
            if (error.code !== "ENOENT")
                throw error;
        }
    }
    /**
     * Yields the file's content from the start in chunks of at most `chunkBytes`, waiting for
     * new bytes until end() is called. Reads only as fast as the consumer pulls.
     */
    async *follow(chunkBytes) {
        const handle = await (0,promises_.open)(this.path, "r");
        try {
            let position = 0;
            for (;;) {
                if (position < this.written) {
                    const length = Math.min(chunkBytes, this.written - position);
                    const buffer = Buffer.allocUnsafe(length);
                    const { bytesRead } = await handle.read(buffer, 0, length, position);
                    position += bytesRead;
                    yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
                }
                else if (this.ended) {
                    return;
                }
                else {
                    await new Promise((resolve) => (this.wake = resolve));
                }
            }
        }
        finally {
            await handle.close();
        }
    }
    notify() {
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
    }
}

;// CONCATENATED MODULE: ./src/upload/s3log.ts














/** Limits of the upload: memory, request time and retries. */
const uploadLimits = {
    /**
     * Bytes per multipart part: S3's minimum, which keeps memory low. With S3's 10,000 parts,
     * the largest log is 48.8 GiB; a longer one fails to upload and stays in the local file.
     */
    partBytes: 5 * 1024 * 1024,
    /**
     * Parts in flight at once. One part at a time means that the first failed request ends the
     * upload at once, and memory contains one part being sent and one being filled.
     */
    queueSize: 1,
    /** Bytes read from the local file per chunk handed to the upload. */
    readBytes: 256 * 1024,
    /** Bytes written or read between two collections of dead Buffers (see BufferCollector): one part. */
    collectBytes: 5 * 1024 * 1024,
    /** Milliseconds to open a TCP connection. */
    connectionTimeoutMs: 3000,
    /** Milliseconds one request may take in all; a 5 MiB part needs at least 90 KB/s to finish in time. */
    requestTimeoutMs: 60000,
    /** Attempts per request, including the first, with the SDK's jittered exponential backoff. */
    maxAttempts: 4,
};
/** Returns a function that opens one S3 log per run, sharing one S3 client. The function never throws. */
function s3OutputLogOpener(options) {
    let client;
    return async (run) => {
        try {
            client ??= createClient(options.settings);
            return await openS3OutputLog(client, options, run);
        }
        catch (error) {
            const message = `output not uploaded: ${describeS3Error(error)}`;
            options.logger.warn(message);
            return { write: () => undefined, finish: async () => ({ error: message }) };
        }
    };
}
/**
 * Creates the S3 client. A custom endpoint (--s3-endpoint-url, AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL) gets path-style addressing, and checksums only where S3 requires them,
 * because many S3-compatible servers reject the SDK's default CRC32 trailers; the variables
 * AWS_REQUEST_CHECKSUM_CALCULATION and AWS_RESPONSE_CHECKSUM_VALIDATION override that default.
 */
function createClient(settings, env = process.env) {
    // The SDK treats an empty variable as unset, so "||" and not "??".
    const configuredEndpoint = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true"
        ? undefined
        : env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
    // NOTE: an endpoint_url set only in the shared config file is not seen here, so it keeps the SDK's defaults.
    const custom = settings.endpointUrl !== undefined || configuredEndpoint !== undefined;
    const config = {
        region: regionOrDefault,
        // S3 responds to a request sent to the wrong region with a redirect, and the SDK then retries in the bucket's region.
        // NOTE: the SDK does not remember the region, so every request of the upload is sent twice; the README recommends setting AWS_REGION.
        followRegionRedirects: true,
        maxAttempts: uploadLimits.maxAttempts,
        requestHandler: {
            connectionTimeout: uploadLimits.connectionTimeoutMs,
            requestTimeout: uploadLimits.requestTimeoutMs,
            // Without it the SDK only logs a warning when requestTimeout passes.
            throwOnRequestTimeout: true,
        },
    };
    if (settings.endpointUrl !== undefined)
        config.endpoint = settings.endpointUrl;
    if (custom) {
        config.forcePathStyle = true;
        if (env.AWS_REQUEST_CHECKSUM_CALCULATION === undefined)
            config.requestChecksumCalculation = "WHEN_REQUIRED";
        if (env.AWS_RESPONSE_CHECKSUM_VALIDATION === undefined)
            config.responseChecksumValidation = "WHEN_REQUIRED";
    }
    return new dist_cjs.S3Client(config);
}
/** Resolves the region as the SDK does (AWS_REGION, profile), then falls back to us-east-1, as the DynamoDB store does. */
async function regionOrDefault() {
    try {
        return await (0,node_config_provider_dist_cjs/* loadConfig */.Z)(config_resolver_dist_cjs/* NODE_REGION_CONFIG_OPTIONS */.GG, config_resolver_dist_cjs/* NODE_REGION_CONFIG_FILE_OPTIONS */.zH)();
    }
    catch {
        return settings/* defaults */.NT.region;
    }
}
/** Formats the header: job, run, node, command and start time, each line starting with "== ". */
function logHeader(run) {
    const command = (run.command ?? "").split("\n").join("\n==          ");
    return [
        `== runjop job ${run.jobId}, run ${run.counter}, node ${run.node}`,
        `== command: ${command}`,
        `== started: ${run.time} UTC`,
        "",
    ].join("\n");
}
/** Formats the footer: state, exit status, signal and duration. */
function logFooter(outcome, endsWithNewline) {
    const signal = outcome.signal ? `, signal ${outcome.signal}` : "";
    const seconds = (outcome.durationMs / 1000).toFixed(3);
    return `${endsWithNewline ? "" : "\n"}== finished: ${outcome.state}, exit status ${outcome.exitCode}${signal}, duration ${seconds} s\n`;
}
async function openS3OutputLog(client, options, run) {
    const { settings, logger } = options;
    const fileName = (0,upload_key/* logFileName */.EL)({ table: options.table, id: run.jobId, node: run.node, startMs: run.startMs });
    const key = (0,upload_key/* logKey */.Up)(settings.prefix, fileName);
    const url = `s3://${settings.bucket}/${key}`;
    const spool = openSpool(options.localDir, fileName, logger);
    if (!spool) {
        const error = `output not uploaded to ${url}: no local file could be created for it`;
        logger.warn(error);
        return { write: () => undefined, finish: async () => ({ error }) };
    }
    logger.info(`uploading the output to ${url}`);
    return new S3OutputLog(client, options, run, url, key, spool);
}
/**
 * Creates the local file in `dir`, else in this user's folder in os.tmpdir(), else in a new
 * private folder there. Returns undefined, after a warning for each, when none works.
 */
function openSpool(dir, fileName, logger) {
    const folders = [
        [
            dir,
            () => {
                (0,src_folders/* makeFolders */.w)(dir, 0o700);
                return dir;
            },
        ],
        [(0,external_node_path_.join)((0,external_node_os_.tmpdir)(), userTempName), userTempFolder],
        [(0,external_node_path_.join)((0,external_node_os_.tmpdir)(), "runjop-logs-XXXXXX"), () => (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), "runjop-logs-"))],
    ];
    for (const [name, create] of folders) {
        try {
            return new Spool((0,external_node_path_.join)(create(), fileName));
        }
        catch (error) {
            logger.warn(`cannot create the local log file in ${name}: ${(0,errors/* messageOf */.bD)(error)}`);
        }
    }
    return undefined;
}
/** Name of this user's folder in os.tmpdir(), which others cannot take over because it carries the user id. */
const userTempName = `runjop-logs-${process.getuid?.() ?? "user"}`;
/**
 * Creates or reuses this user's folder in os.tmpdir(). Throws unless it is a real folder (not a
 * symbolic link) that belongs to this user and that no other user may enter, because anyone can
 * create a name in os.tmpdir() first.
 */
function userTempFolder() {
    const folder = (0,external_node_path_.join)((0,external_node_os_.tmpdir)(), userTempName);
    (0,src_folders/* makeFolders */.w)(folder, 0o700);
    const stats = (0,external_node_fs_.lstatSync)(folder);
    const ownedHere = process.getuid === undefined || stats.uid === process.getuid();
    if (!stats.isDirectory() || !ownedHere || (stats.mode & 0o077) !== 0) {
        throw new Error(`${folder} is not a private folder of this user`);
    }
    return folder;
}
/**
 * One run's log: every chunk goes to the local file first, and the upload reads that file as
 * it grows. The local file is deleted once the object is complete, and kept when the upload
 * failed. A failure is reported once and never reaches the command.
 */
class S3OutputLog {
    options;
    run;
    url;
    spool;
    done;
    uploadError;
    spoolError;
    endsWithNewline = true;
    /** Lines that follow the local file's content in the object once that file failed: a note and the footer. */
    trailer = [];
    finished = () => undefined;
    footerReady = new Promise((resolve) => (this.finished = resolve));
    collector = new BufferCollector(uploadLimits.collectBytes);
    constructor(client, options, run, url, key, spool) {
        this.options = options;
        this.run = run;
        this.url = url;
        this.spool = spool;
        this.append(Buffer.from(logHeader(run)));
        const { settings } = options;
        // NOTE: Upload concatenates the chunks of each part into a new Buffer, so up to three parts
        // (about 16 MB) are alive at once: the part it sent last, the chunks of the next, and their copy.
        const upload = new lib_storage_dist_cjs/* Upload */._({
            client,
            queueSize: uploadLimits.queueSize,
            partSize: uploadLimits.partBytes,
            // The default: a failed multipart upload is aborted, so that no parts stay behind.
            leavePartsOnError: false,
            params: {
                Bucket: settings.bucket,
                Key: key,
                Body: external_node_stream_.Readable.from(this.body(), { highWaterMark: 1 }),
                ContentType: "text/plain; charset=utf-8",
                ...(settings.sse ? { ServerSideEncryption: settings.sse } : {}),
                ...(settings.kmsKeyId ? { SSEKMSKeyId: settings.kmsKeyId } : {}),
            },
        });
        this.done = upload.done().then(() => undefined, (error) => {
            this.uploadError = `upload to ${url} failed: ${describeS3Error(error)}`;
            options.logger.warn(`${this.uploadError}; the whole output goes to ${spool.path}`);
        });
    }
    write(chunk) {
        this.append(chunk);
    }
    async finish(outcome) {
        const { logger } = this.options;
        const footer = Buffer.from(logFooter(outcome, this.endsWithNewline));
        if (!this.spoolError)
            this.append(footer);
        if (this.spoolError)
            this.trailer.push(footer);
        try {
            this.spool.end();
        }
        catch (error) {
            this.spoolError ??= `cannot write the local log file ${this.spool.path}: ${(0,errors/* messageOf */.bD)(error)}`;
        }
        this.finished();
        await this.done;
        if (this.uploadError) {
            logger.info(`the output of run ${this.run.counter} is kept in ${this.spool.path}`);
            return { error: `${this.uploadError}; the output is kept in ${this.spool.path}` };
        }
        // The object contains all that the local file does, so the file is deleted, which also frees a full disk.
        if (this.spoolError) {
            logger.info(`incomplete output uploaded to ${this.url} (${this.spool.size} bytes before the disk error)`);
        }
        else {
            logger.info(`output uploaded to ${this.url} (${this.spool.size} bytes)`);
        }
        try {
            this.spool.remove();
        }
        catch (error) {
            logger.warn(`cannot delete the local log file ${this.spool.path}: ${(0,errors/* messageOf */.bD)(error)}`);
        }
        return this.spoolError ? { url: this.url, error: `log incomplete: ${this.spoolError}` } : { url: this.url };
    }
    /**
     * Yields the object's content: the local file as it grows, then, when writing that file
     * failed, a note of the failure and the footer. Counts each chunk for the collector.
     */
    async *body() {
        for await (const chunk of this.spool.follow(uploadLimits.readBytes)) {
            this.collector.count(chunk.length);
            yield chunk;
        }
        if (!this.spoolError)
            return;
        await this.footerReady;
        yield* this.trailer;
    }
    append(chunk) {
        if (this.spoolError || chunk.length === 0)
            return;
        try {
            this.spool.write(chunk);
            this.collector.count(chunk.length);
            this.endsWithNewline = chunk[chunk.length - 1] === 0x0a;
        }
        catch (error) {
            this.spoolError = `cannot write the local log file ${this.spool.path}: ${(0,errors/* messageOf */.bD)(error)}`;
            this.options.logger.warn(`${this.spoolError}; the rest of the output reaches the console only`);
            const newline = this.endsWithNewline ? "" : "\n";
            this.trailer.push(Buffer.from(`${newline}== log incomplete: ${this.spoolError}; the rest of the output is missing\n`));
            this.endsWithNewline = true;
            try {
                this.spool.end();
            }
            catch {
                // The file is already unusable; end() only closes it and wakes the upload.
            }
        }
    }
}
/** Returns one line naming what failed and what to check, without secrets. */
function describeS3Error(error) {
    const name = error instanceof Error ? error.name : "";
    const message = (0,errors/* messageOf */.bD)(error);
    const status = error.$metadata?.httpStatusCode;
    const code = error.code;
    if (name === "NoSuchBucket")
        return `bucket not found (NoSuchBucket: ${message})`;
    if (name === "InvalidAccessKeyId" || name === "SignatureDoesNotMatch") {
        return `credentials rejected (${name}: ${message}); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the profile`;
    }
    if (name === "AccessDenied" || status === 403) {
        return `access denied (${name}: ${message}); the README lists the S3 actions runjop needs`;
    }
    if (name === "TimeoutError" || code === "ETIMEDOUT") {
        return `a request timed out after ${uploadLimits.maxAttempts} attempts (${message}); check the endpoint and the network`;
    }
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ECONNRESET" || code === "EHOSTUNREACH") {
        return `the endpoint is unreachable (${code}: ${message}) after ${uploadLimits.maxAttempts} attempts; check --s3-endpoint-url and the network`;
    }
    const detail = name && !message.startsWith(name) ? `${name}: ${message}` : message;
    return status === undefined ? detail : `${detail} (HTTP ${status})`;
}


/***/ })

};

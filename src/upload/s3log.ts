import { lstatSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from "@smithy/config-resolver";
import { loadConfig } from "@smithy/node-config-provider";
import { messageOf } from "../errors.js";
import { makeFolders } from "../folders.js";
import type { Logger } from "../log.js";
import type { OutputLog, OutputLogResult } from "../runner.js";
import { defaults } from "../settings.js";
import { formatUtc, type Outcome, type RunRecord } from "../store/types.js";
import { BufferCollector } from "./gc.js";
import { logFileName, logKey } from "./key.js";
import type { S3LogSettings } from "./settings.js";
import { Spool } from "./spool.js";

/** Limits of the upload: memory, request time and retries. */
export const uploadLimits = {
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

export interface S3OutputLogOptions {
  settings: S3LogSettings;
  /** Table part of the key: the DynamoDB table, or "runjop" for the embedded store. */
  table: string;
  /** Folder of the local copy, such as $XDG_STATE_HOME/runjop/logs; os.tmpdir() when it cannot be created. */
  localDir: string;
  logger: Logger;
}

/** Returns a function that opens one S3 log per run, sharing one S3 client. The function never throws. */
export function s3OutputLogOpener(options: S3OutputLogOptions): (run: RunRecord) => Promise<OutputLog> {
  let client: S3Client | undefined;
  return async (run) => {
    try {
      client ??= createClient(options.settings);
      return await openS3OutputLog(client, options, run);
    } catch (error) {
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
export function createClient(settings: S3LogSettings, env: NodeJS.ProcessEnv = process.env): S3Client {
  // The SDK treats an empty variable as unset, so "||" and not "??".
  const configuredEndpoint =
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true"
      ? undefined
      : env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  // NOTE: an endpoint_url set only in the shared config file is not seen here, so it keeps the SDK's defaults.
  const custom = settings.endpointUrl !== undefined || configuredEndpoint !== undefined;
  const config: S3ClientConfig = {
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
  if (settings.endpointUrl !== undefined) config.endpoint = settings.endpointUrl;
  if (custom) {
    config.forcePathStyle = true;
    if (env.AWS_REQUEST_CHECKSUM_CALCULATION === undefined) config.requestChecksumCalculation = "WHEN_REQUIRED";
    if (env.AWS_RESPONSE_CHECKSUM_VALIDATION === undefined) config.responseChecksumValidation = "WHEN_REQUIRED";
  }
  return new S3Client(config);
}

/** Resolves the region as the SDK does (AWS_REGION, profile), then falls back to us-east-1, as the DynamoDB store does. */
async function regionOrDefault(): Promise<string> {
  try {
    return await loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)();
  } catch {
    return defaults.region;
  }
}

/** Formats the header: job, run, node, command and start time, each line starting with "== ". */
export function logHeader(run: RunRecord): string {
  const command = (run.command ?? "").split("\n").join("\n==          ");
  return [
    `== runjop job ${run.jobId}, run ${run.counter}, node ${run.node}`,
    `== command: ${command}`,
    `== started: ${run.time} UTC`,
    "",
  ].join("\n");
}

/** Formats the footer: state, exit status, signal and duration. */
export function logFooter(outcome: Outcome, endsWithNewline: boolean): string {
  const signal = outcome.signal ? `, signal ${outcome.signal}` : "";
  const seconds = (outcome.durationMs / 1000).toFixed(3);
  return `${endsWithNewline ? "" : "\n"}== finished: ${outcome.state}, exit status ${outcome.exitCode}${signal}, duration ${seconds} s\n`;
}

async function openS3OutputLog(client: S3Client, options: S3OutputLogOptions, run: RunRecord): Promise<OutputLog> {
  const { settings, logger } = options;
  const fileName = logFileName({ table: options.table, id: run.jobId, node: run.node, startMs: run.startMs });
  const key = logKey(settings.prefix, fileName);
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
function openSpool(dir: string, fileName: string, logger: Logger): Spool | undefined {
  const folders: Array<[string, () => string]> = [
    [
      dir,
      () => {
        makeFolders(dir, 0o700);
        return dir;
      },
    ],
    [join(tmpdir(), userTempName), userTempFolder],
    [join(tmpdir(), "runjop-logs-XXXXXX"), () => mkdtempSync(join(tmpdir(), "runjop-logs-"))],
  ];
  for (const [name, create] of folders) {
    try {
      return new Spool(join(create(), fileName));
    } catch (error) {
      logger.warn(`cannot create the local log file in ${name}: ${messageOf(error)}`);
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
function userTempFolder(): string {
  const folder = join(tmpdir(), userTempName);
  makeFolders(folder, 0o700);
  const stats = lstatSync(folder);
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
class S3OutputLog implements OutputLog {
  private readonly done: Promise<void>;
  private uploadError: string | undefined;
  private spoolError: string | undefined;
  private endsWithNewline = true;
  /** Lines that follow the local file's content in the object once that file failed: a note and the footer. */
  private readonly trailer: Buffer[] = [];
  private finished: () => void = () => undefined;
  private readonly footerReady = new Promise<void>((resolve) => (this.finished = resolve));
  private readonly collector = new BufferCollector(uploadLimits.collectBytes);

  constructor(
    client: S3Client,
    private readonly options: S3OutputLogOptions,
    private readonly run: RunRecord,
    private readonly url: string,
    key: string,
    private readonly spool: Spool,
  ) {
    this.append(Buffer.from(logHeader(run)));
    const { settings } = options;
    // NOTE: Upload concatenates the chunks of each part into a new Buffer, so up to three parts
    // (about 16 MB) are alive at once: the part it sent last, the chunks of the next, and their copy.
    const upload = new Upload({
      client,
      queueSize: uploadLimits.queueSize,
      partSize: uploadLimits.partBytes,
      // The default: a failed multipart upload is aborted, so that no parts stay behind.
      leavePartsOnError: false,
      params: {
        Bucket: settings.bucket,
        Key: key,
        Body: Readable.from(this.body(), { highWaterMark: 1 }),
        ContentType: "text/plain; charset=utf-8",
        ...(settings.sse ? { ServerSideEncryption: settings.sse } : {}),
        ...(settings.kmsKeyId ? { SSEKMSKeyId: settings.kmsKeyId } : {}),
      },
    });
    this.done = upload.done().then(
      () => undefined,
      (error: unknown) => {
        this.uploadError = `upload to ${url} failed: ${describeS3Error(error)}`;
        options.logger.warn(`${this.uploadError}; the whole output goes to ${spool.path}`);
      },
    );
  }

  write(chunk: Buffer): void {
    this.append(chunk);
  }

  async finish(outcome: Outcome): Promise<OutputLogResult> {
    const { logger } = this.options;
    const footer = Buffer.from(logFooter(outcome, this.endsWithNewline));
    if (!this.spoolError) this.append(footer);
    if (this.spoolError) this.trailer.push(footer);
    try {
      this.spool.end();
    } catch (error) {
      this.spoolError ??= `cannot write the local log file ${this.spool.path}: ${messageOf(error)}`;
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
    } else {
      logger.info(`output uploaded to ${this.url} (${this.spool.size} bytes)`);
    }
    try {
      this.spool.remove();
    } catch (error) {
      logger.warn(`cannot delete the local log file ${this.spool.path}: ${messageOf(error)}`);
    }
    return this.spoolError ? { url: this.url, error: `log incomplete: ${this.spoolError}` } : { url: this.url };
  }

  /**
   * Yields the object's content: the local file as it grows, then, when writing that file
   * failed, a note of the failure and the footer. Counts each chunk for the collector.
   */
  private async *body(): AsyncGenerator<Buffer> {
    for await (const chunk of this.spool.follow(uploadLimits.readBytes)) {
      this.collector.count(chunk.length);
      yield chunk;
    }
    if (!this.spoolError) return;
    await this.footerReady;
    yield* this.trailer;
  }

  private append(chunk: Buffer): void {
    if (this.spoolError || chunk.length === 0) return;
    try {
      this.spool.write(chunk);
      this.collector.count(chunk.length);
      this.endsWithNewline = chunk[chunk.length - 1] === 0x0a;
    } catch (error) {
      this.spoolError = `cannot write the local log file ${this.spool.path}: ${messageOf(error)}`;
      this.options.logger.warn(`${this.spoolError}; the rest of the output reaches the console only`);
      const newline = this.endsWithNewline ? "" : "\n";
      this.trailer.push(
        Buffer.from(`${newline}== log incomplete: ${this.spoolError}; the rest of the output is missing\n`),
      );
      this.endsWithNewline = true;
      try {
        this.spool.end();
      } catch {
        // The file is already unusable; end() only closes it and wakes the upload.
      }
    }
  }
}

/** Returns one line naming what failed and what to check, without secrets. */
export function describeS3Error(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const message = messageOf(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  if (name === "NoSuchBucket") return `bucket not found (NoSuchBucket: ${message})`;
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

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dynalite from "dynalite";
import S3rver from "s3rver";
import { S3Client } from "@aws-sdk/client-s3";

export interface RunningServer {
  /** Base URL on 127.0.0.1, such as http://127.0.0.1:40123. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts dynalite, an implementation of the DynamoDB API, in memory on a free loopback port. */
export async function startDynalite(options: { createTableMs?: number } = {}): Promise<RunningServer> {
  const server: Server = dynalite({ createTableMs: options.createTableMs ?? 50 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, close: () => closeServer(server) };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** Environment for processes that talk to a local server: fixed test credentials, no IMDS lookups. */
export function awsTestEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

/** One request that reached the test S3 server. */
export interface S3Request {
  method: string;
  url: string;
  /** Headers as the client sent them, before any interceptor changed them. */
  headers: IncomingHttpHeaders;
  /** performance.now() when the request arrived. */
  atMs: number;
}

export interface S3TestServer extends RunningServer {
  /** Folder where s3rver keeps buckets and objects. */
  directory: string;
  /** Every request in arrival order. */
  requests: S3Request[];
  /**
   * Called before s3rver handles a request; returning true means the interceptor sent the response.
   * Tests use it to make one kind of request fail, as a real S3 would under a denial or an outage.
   */
  intercept?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

/**
 * Starts s3rver, an implementation of the S3 API that stores objects in a temporary folder,
 * on a free loopback port, with the given buckets already created. Its credentials are the
 * key pair S3RVER/S3RVER, which s3AwsEnv() sets.
 */
export async function startS3rver(options: { buckets?: string[] } = {}): Promise<S3TestServer> {
  const directory = mkdtempSync(join(tmpdir(), "runjop-s3rver-"));
  const s3rver = new S3rver({
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const requests: S3Request[] = [];
  const result: S3TestServer = { url: "", port: 0, directory, requests, close: async () => undefined };
  const server = createServer((request, response) => {
    requests.push({
      method: request.method ?? "",
      url: request.url ?? "",
      headers: { ...request.headers },
      atMs: performance.now(),
    });
    if (result.intercept?.(request, response)) return;
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  result.url = `http://127.0.0.1:${port}`;
  result.port = port;
  result.close = async () => {
    await closeServer(server);
    rmSync(directory, { recursive: true, force: true });
  };
  return result;
}

/** Environment for processes that talk to s3rver: its fixed key pair, no IMDS lookups. */
export function s3AwsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return awsTestEnv({ AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", ...extra });
}

/** The s3rver of one test file and an S3 client for reading what runjop uploaded to it. */
export interface S3Fixture {
  s3: S3TestServer;
  client: S3Client;
}

/**
 * Starts s3rver with one bucket before the calling test file's tests and stops it after them,
 * and clears the interceptor after each test. The fields are set once beforeAll has run.
 */
export function useS3rver(bucket: string): S3Fixture {
  const fixture = {} as S3Fixture;
  beforeAll(async () => {
    fixture.s3 = await startS3rver({ buckets: [bucket] });
    fixture.client = new S3Client({
      endpoint: fixture.s3.url,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
  });
  afterAll(async () => {
    fixture.client?.destroy();
    await fixture.s3?.close();
  });
  afterEach(() => {
    if (fixture.s3) fixture.s3.intercept = undefined;
  });
  return fixture;
}

import type { AddressInfo, Server } from "node:net";
import dynalite from "dynalite";

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

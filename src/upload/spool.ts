import { closeSync, openSync, unlinkSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";

/**
 * An append-only local file that contains the whole log while a reader follows it. The writer
 * never waits for the reader: output the upload has not taken yet waits on disk, not in memory,
 * so a slow or failed upload neither blocks the command nor loses output.
 */
export class Spool {
  private written = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private readonly fd: number;

  constructor(readonly path: string) {
    // "wx": a leftover file of the same name is never overwritten.
    this.fd = openSync(path, "wx", 0o600);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.written;
  }

  /** Appends a chunk synchronously, so that chunks keep the order in which the caller got them. Throws on a disk error. */
  write(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      offset += writeSync(this.fd, chunk, offset, chunk.length - offset);
    }
    this.written += chunk.length;
    this.notify();
  }

  /** Marks the end of the log: a follower stops once it has read everything. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    closeSync(this.fd);
    this.notify();
  }

  /** Deletes the file; a file already gone is not an error. */
  remove(): void {
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  /**
   * Yields the file's content from the start in chunks of at most `chunkBytes`, waiting for
   * new bytes until end() is called. Reads only as fast as the consumer pulls.
   */
  async *follow(chunkBytes: number): AsyncGenerator<Buffer> {
    const handle = await open(this.path, "r");
    try {
      let position = 0;
      for (;;) {
        if (position < this.written) {
          const length = Math.min(chunkBytes, this.written - position);
          const buffer = Buffer.allocUnsafe(length);
          const { bytesRead } = await handle.read(buffer, 0, length, position);
          position += bytesRead;
          yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
        } else if (this.ended) {
          return;
        } else {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      }
    } finally {
      await handle.close();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

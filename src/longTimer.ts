/**
 * Maximum delay that Node's setTimeout and setInterval accept: 2^31 - 1 ms (about 24.8 days).
 * Node replaces a longer delay by 1 ms and prints a TimeoutOverflowWarning.
 */
export const maxTimerDelayMs = 2 ** 31 - 1;

/** A timer started by setLongTimeout. */
export interface LongTimer {
  /** Cancels the timer; the callback does not run after this. */
  clear(): void;
}

/**
 * Calls `callback` once after `delayMs`, which may exceed maxTimerDelayMs: a longer delay is
 * waited in steps of at most that length, re-arming a fresh setTimeout after each step. With
 * `unref`, the timer does not keep the process alive.
 */
export function setLongTimeout(callback: () => void, delayMs: number, options: { unref?: boolean } = {}): LongTimer {
  const dueMs = performance.now() + Math.max(0, delayMs);
  let timer: NodeJS.Timeout | undefined;
  let cleared = false;

  const arm = () => {
    const remainingMs = dueMs - performance.now();
    timer = setTimeout(
      () => {
        if (cleared) return;
        if (performance.now() < dueMs) arm();
        else callback();
      },
      Math.max(0, Math.min(remainingMs, maxTimerDelayMs)),
    );
    if (options.unref) timer.unref();
  };
  arm();

  return {
    clear: () => {
      cleared = true;
      clearTimeout(timer);
    },
  };
}

/** Resolves after `delayMs`, which may exceed maxTimerDelayMs. */
export function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => setLongTimeout(resolve, delayMs));
}

import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Creates a folder and its missing parents one level at a time, each with `mode` (before the
 * umask). mkdirSync's recursive mode loops for ever on some paths under /proc (seen with
 * Node 24.21), so it is not used here. Throws when a part of the path is a file.
 */
export function makeFolders(folder: string, mode = 0o777): void {
  const missing: string[] = [];
  let current = folder;
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (existsSync(current) && !statSync(current).isDirectory()) throw new Error(`${current} is not a folder`);
  for (const path of missing) {
    try {
      mkdirSync(path, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

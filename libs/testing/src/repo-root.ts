import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo's root, found from source (under Jest) and from the build output alike. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${from}`);
    dir = parent;
  }
  return dir;
}

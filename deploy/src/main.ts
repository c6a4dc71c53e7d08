import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GENERATED_HEADER, manifestTree } from './manifest-tree';

/** The repository root, from the source or the build output alike. */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!readdirSync(dir).includes('nx.json')) dir = dirname(dir);
  return dir;
}

export function manifestsFolder(root = repositoryRoot()): string {
  return join(root, 'deploy', 'k8s');
}

export function releaseVersion(root = repositoryRoot()): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Generated files now under deploy/k8s (hand-written ones lack the header). */
export function generatedFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (readFileSync(path, 'utf8').startsWith(GENERATED_HEADER)) found.push(relative(folder, path));
    }
  };
  walk(folder);
  return found.sort();
}

function main(): void {
  const root = repositoryRoot();
  const folder = manifestsFolder(root);
  mkdirSync(folder, { recursive: true });
  const tree = manifestTree(releaseVersion(root));
  for (const stale of generatedFiles(folder).filter((file) => !(file in tree))) rmSync(join(folder, stale));
  for (const [file, content] of Object.entries(tree)) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), content);
  }
  process.stdout.write(`wrote ${Object.keys(tree).length} files under ${relative(root, folder)}\n`);
}

if (require.main === module) main();

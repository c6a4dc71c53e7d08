import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../src/main';

/**
 * No Docker engine runs on CI, so the image is not built there: these are the Dockerfile's
 * promises, checked on its text.
 */
const root = repositoryRoot();
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

function args(): Record<string, string> {
  return Object.fromEntries(
    instructions
      .filter((line) => line.startsWith('ARG ') && line.includes('='))
      .map((line) => line.slice(4).split('=', 2) as [string, string]),
  );
}

/** Instructions of each stage, by its name. */
function stages(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of instructions) {
    const from = /^FROM (\S+)(?: AS (\S+))?$/i.exec(line);
    if (from) found.set(from[2] ?? `stage${found.size}`, (current = [line]));
    else current?.push(line);
  }
  return found;
}

describe('Dockerfile', () => {
  it('pins every base image by version and digest, never :latest', () => {
    const bases = [...stages().values()].map(([from]) =>
      from.split(' ')[1].replace(/\$\{(\w+)\}/g, (_, name: string) => args()[name] ?? ''),
    );
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const image of bases) {
      expect(image).toMatch(/^[\w./-]+:\d+\.\d+\.\d+[\w.-]*@sha256:[0-9a-f]{64}$/);
    }
    expect(dockerfile).not.toMatch(/:latest\b/);
  });

  it('builds with npm ci and the Nx build, and ships production dependencies and dist only', () => {
    const build = stages().get('build')!;
    expect(build).toEqual(
      expect.arrayContaining([
        'RUN npm ci --no-audit --no-fund',
        expect.stringMatching(/npm run build && npm prune --omit=dev/),
      ]),
    );
    const runtime = stages().get('runtime')!;
    expect(runtime.filter((line) => line.startsWith('COPY'))).toEqual([
      'COPY --from=build /src/package.json ./',
      'COPY --from=build /src/node_modules ./node_modules',
      'COPY --from=build /src/dist ./dist',
    ]);
  });

  it('runs as a numeric non-root user, the app chosen by APP', () => {
    const runtime = stages().get('runtime')!;
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
    const entrypoint = JSON.parse(
      runtime.find((line) => line.startsWith('ENTRYPOINT '))!.slice(11),
    ) as string[];
    expect(entrypoint[2]).toBe('exec node "dist/apps/${APP}/src/main.js" "$@"');
    expect(runtime).toContain('ENV NODE_ENV=production APP=identity');
  });

  it('ships the tools the services run: qemu-img, ip and dnsmasq', () => {
    const installs = stages()
      .get('runtime')!
      .filter((line) => line.startsWith('RUN ') && line.includes('apt-get install'))
      .join(' ');
    for (const pkg of ['qemu-utils', 'iproute2', 'dnsmasq-base']) expect(installs).toContain(` ${pkg}`);
  });

  it('keeps local state and build output out of the context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', 'data', 'tmp']));
  });
});

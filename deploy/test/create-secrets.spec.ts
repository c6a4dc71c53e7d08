import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOYED_SERVICES } from '../src/deployed-services';
import { manifestsFolder } from '../src/main';

/**
 * A stand-in for kubectl that keeps Secrets as files (<namespace>.<name>, KEY=VALUE lines), for the
 * few calls create-secrets.sh makes.
 */
const FAKE_KUBECTL = `#!/usr/bin/env bash
set -euo pipefail
ns=default
if [ "$1" = -n ]; then ns=$2; shift 2; fi
case "$1 $2" in
  "get namespace"|"create namespace") exit 0 ;;
  "get secret") [ -f "$STORE/$ns.$3" ] ;;
  "create secret") cat "\${5#--from-env-file=}" > "$STORE/$ns.$4" ;;
  "create -f") node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const lines = Object.entries(s.data).map(([k, v]) => k + "=" + Buffer.from(v, "base64").toString());
    require("fs").writeFileSync(process.argv[1] + s.metadata.name, lines.join("\\n") + "\\n");
  ' "$STORE/$ns." ;;
  *) echo "unexpected kubectl $*" >&2; exit 1 ;;
esac
`;

describe('create-secrets.sh', () => {
  let store: string;
  let bin: string;

  beforeEach(() => {
    store = mkdtempSync(join(tmpdir(), 'stratus-secrets-'));
    bin = mkdtempSync(join(tmpdir(), 'stratus-bin-'));
    writeFileSync(join(bin, 'kubectl'), FAKE_KUBECTL);
    chmodSync(join(bin, 'kubectl'), 0o755);
  });
  afterEach(() => [store, bin].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function run(): string {
    return execFileSync('bash', [join(manifestsFolder(), 'create-secrets.sh')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STORE: store, STRATUS_IMAGE: '' },
    });
  }

  function secret(name: string): Record<string, string> {
    const lines = readFileSync(join(store, name), 'utf8').trim().split('\n');
    return Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  }

  it('creates every Secret the manifests name, with matching NATS credentials and token keys', () => {
    run();
    const databases = DEPLOYED_SERVICES.filter((s) => s.database).map(
      (s) => `stratus.stratus-${s.descriptor.name}-db`,
    );
    expect(readdirSync(store).sort()).toEqual(
      [
        ...databases,
        'nats.stratus-nats-auth',
        'stratus.mariadb-root',
        'stratus.stratus-identity-bootstrap',
        'stratus.stratus-nats',
        'stratus.stratus-token-keys',
      ].sort(),
    );
    const password = secret('nats.stratus-nats-auth').password;
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(secret('stratus.stratus-nats').url).toBe(`nats://stratus:${password}@nats.nats.svc:4222`);
    expect(Object.keys(secret('stratus.stratus-token-keys'))).toEqual(['0', '1']);
  });

  it('keeps what exists', () => {
    run();
    const before = secret('stratus.stratus-identity-db');
    expect(run()).not.toContain('created');
    expect(secret('stratus.stratus-identity-db')).toEqual(before);
  });
});

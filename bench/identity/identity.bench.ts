import { KeyRepository, RevocationList, TokenCodec } from '@stratus/platform';
import { freePorts, ServiceProcess, TestEnvironment } from '@stratus/testing';
import { compare, hash } from 'bcrypt';
import { join } from 'node:path';
import { load, residentMemoryMb, row } from '../common/load';

/**
 * Identity benchmark: token issue and validation rates at concurrency 1 and 16, the cost of
 * local validation inside another service, revocation propagation between replicas, and memory.
 * Runs identity as a real process against MariaDB and NATS, with production password hashing.
 */
async function main(): Promise<void> {
  const env = new TestEnvironment();
  const adminPassword = 'bench-admin-password';
  const rounds = process.env.IDENTITY_PASSWORD_HASH_ROUNDS ?? '12';
  const base = {
    ...env.baseEnv('identity'),
    IDENTITY_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'warn',
  };
  const [portA, portB] = await freePorts(2);
  const a = await ServiceProcess.start('identity', portA, {
    ...base,
    IDENTITY_PORT: String(portA),
    IDENTITY_PASSWORD_HASH_ROUNDS: rounds,
  });
  const b = await ServiceProcess.start('identity', portB, {
    ...base,
    IDENTITY_PORT: String(portB),
    IDENTITY_PASSWORD_HASH_ROUNDS: rounds,
  });
  const lines: string[] = [];
  const idleRss = residentMemoryMb(a.pid!);
  try {
    const authBody = JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { id: 'default' }, password: adminPassword } },
        },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    });
    const issue = async (url = a.url) => {
      const response = await fetch(`${url}/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: authBody,
      });
      if (response.status !== 201) throw new Error(`issue failed: ${response.status}`);
      await response.arrayBuffer();
      return response.headers.get('x-subject-token')!;
    };
    const token = await issue();
    const validate = async () => {
      const response = await fetch(`${a.url}/v3/auth/tokens`, {
        headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
      });
      if (response.status !== 200) throw new Error(`validate failed: ${response.status}`);
      await response.arrayBuffer();
    };
    for (let i = 0; i < 200; i++) await validate();

    lines.push(
      row(['operation', 'concurrency', 'per second', 'p50 ms', 'p99 ms']),
      row(['---', '---', '---', '---', '---']),
    );
    const hashTimes: number[] = [];
    const digest = await hash(adminPassword, Number(rounds));
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await compare(adminPassword, digest);
      hashTimes.push(performance.now() - t);
    }
    const hashP50 = hashTimes.sort((x, y) => x - y)[5];
    let issueP50 = 0;
    for (const [concurrency, total] of [
      [1, 20],
      [16, 64],
    ]) {
      const r = await load(concurrency, total, () => issue().then(() => undefined));
      if (concurrency === 1) issueP50 = r.p50;
      lines.push(row([`token issue (bcrypt cost ${rounds})`, concurrency, r.perSecond, r.p50, r.p99]));
    }
    for (const [concurrency, total] of [
      [1, 2000],
      [16, 10000],
    ]) {
      const r = await load(concurrency, total, validate);
      lines.push(row(['token validation (GET /v3/auth/tokens)', concurrency, r.perSecond, r.p50, r.p99]));
    }

    const keys = KeyRepository.load(join(env.dataDir, 'fernet-keys'));
    const fastCodec = new TokenCodec(() => keys);
    const revocations = new RevocationList();
    for (let i = 0; i < 1000; i++)
      revocations.add({ id: `e${i}`, issuedBefore: new Date().toISOString(), userId: `u${i}` });
    const iterations = 50_000;
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) {
      const claims = fastCodec.decode(token);
      if (!claims || revocations.isRevoked(claims)) throw new Error('local validation failed');
    }
    const perToken = ((performance.now() - t0) / iterations) * 1000;
    lines.push(
      row([
        'local validation in another service (decrypt + 1000 revocations)',
        1,
        1e6 / perToken,
        perToken / 1000,
        perToken / 1000,
      ]),
    );

    const propagation: number[] = [];
    for (let i = 0; i < 10; i++) {
      const victim = await issue();
      const t1 = performance.now();
      await fetch(`${a.url}/v3/auth/tokens`, {
        method: 'DELETE',
        headers: { 'X-Auth-Token': token, 'X-Subject-Token': victim },
      });
      for (;;) {
        const seen = await fetch(`${b.url}/v3/auth/tokens`, {
          method: 'HEAD',
          headers: { 'X-Auth-Token': token, 'X-Subject-Token': victim },
        });
        if (seen.status === 404) break;
      }
      propagation.push(performance.now() - t1);
    }
    propagation.sort((x, y) => x - y);
    lines.push('');
    lines.push(
      `Revocation at replica A refused by replica B after: median ${propagation[5].toFixed(1)} ms, max ${propagation[9].toFixed(1)} ms.`,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    lines.push(
      `Token issue at concurrency 1 besides the password hash (${hashP50.toFixed(0)} ms): ${(issueP50 - hashP50).toFixed(1)} ms at p50.`,
    );
    lines.push(
      `Identity resident memory: ${idleRss.toFixed(0)} MB idle after start, ${residentMemoryMb(a.pid!).toFixed(0)} MB after the run.`,
    );
    lines.push(`Token length: ${token.length} characters.`);
  } finally {
    await a.stop();
    await b.stop();
    await env.cleanup();
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

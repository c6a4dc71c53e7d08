/**
 * Object storage benchmark: PUT and GET of 4 KiB and 1 MiB objects at concurrency 1 and 16
 * (ops/s, MiB/s, p50 and p99 latency), and the service's resident memory while one large object
 * streams up and back down.
 *
 *   npm run bench:object-storage          (builds first; needs MariaDB and NATS, as the tests do)
 *   BENCH_OBJECT_LARGE_MIB=5120 ...       size of the large object (default 5120: Swift's 5 GiB)
 *   BENCH_OBJECT_QUICK=1 ...              fewer requests and a 256 MiB large object, for a smoke run
 *
 * Targets (issue 7, 2-core machine): at concurrency 16, PUT 4 KiB >= 300/s, GET 4 KiB >= 500/s,
 * PUT and GET of 1 MiB >= 150 MiB/s; memory flat while streaming a 5 GiB object.
 */
import { TestCloud } from '@stratus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { load, residentMemoryMb, row } from '../common/load';

const KIB = 1024;
const MIB = 1024 * KIB;
const QUICK = process.env.BENCH_OBJECT_QUICK === '1';
const LARGE_MIB = Number(process.env.BENCH_OBJECT_LARGE_MIB ?? (QUICK ? 256 : 5120));

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

interface Target {
  url: URL;
  token: string;
  account: string;
}

/** One request; the body is either a buffer or `total` bytes cycled from a chunk, never held whole. */
function call(
  target: Target,
  method: string,
  path: string,
  body?: { chunk: Buffer; total: number },
  onData?: (chunk: Buffer) => void,
): Promise<{ status: number; bytes: number; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.url.hostname,
        port: target.url.port,
        path: `${target.account}${path}`,
        method,
        headers: { 'X-Auth-Token': target.token, 'Content-Length': body?.total ?? 0 },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          onData?.(chunk);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 300) reject(new Error(`${method} ${path}: ${status}`));
          else resolve({ status, bytes, etag: res.headers.etag });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (!body) return void req.end();
    let sent = 0;
    const pump = () => {
      while (sent < body.total) {
        const piece = body.chunk.subarray(0, Math.min(body.chunk.length, body.total - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** Samples the process's resident memory every 50 ms while `work` runs; returns the peak. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = residentMemoryMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, residentMemoryMb(pid))), 50);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, residentMemoryMb(pid)) };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const cloud = await TestCloud.start(['object-storage'], { 'object-storage': { LOG_LEVEL: 'warn' } });
  const lines: string[] = [];
  try {
    const user = await cloud.createProjectUser('bench');
    const service = cloud.service('object-storage');
    const target: Target = {
      url: new URL(service.url),
      token: await cloud.token(user),
      account: `/v1/AUTH_${user.projectId}`,
    };
    const pid = service.pid!;
    await call(target, 'PUT', '/bench');
    await load(8, 200, (i) =>
      call(target, 'PUT', `/bench/warm-${i}`, { chunk: randomBytes(4 * KIB), total: 4 * KIB }).then(
        () => undefined,
      ),
    );
    const startRss = residentMemoryMb(pid);

    lines.push('| operation | size | concurrency | ops/s | MiB/s | p50 ms | p99 ms |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- |');
    const cases = [
      { size: 4 * KIB, label: '4 KiB', counts: { 1: QUICK ? 200 : 1000, 16: QUICK ? 800 : 4000 } },
      { size: MIB, label: '1 MiB', counts: { 1: QUICK ? 40 : 200, 16: QUICK ? 160 : 800 } },
    ];
    for (const { size, label, counts } of cases) {
      const data = randomBytes(size);
      for (const concurrency of [1, 16] as const) {
        const total = counts[concurrency];
        const prefix = `/bench/${label.replace(' ', '')}-c${concurrency}`;
        const put = await load(concurrency, total, async (i) => {
          await call(target, 'PUT', `${prefix}-${i}`, { chunk: data, total: size });
        });
        const get = await load(concurrency, total, async (i) => {
          const { bytes } = await call(target, 'GET', `${prefix}-${i}`);
          if (bytes !== size) throw new Error(`GET returned ${bytes} of ${size} bytes`);
        });
        for (const [operation, result] of [
          ['PUT', put],
          ['GET', get],
        ] as const) {
          lines.push(
            row([
              operation,
              label,
              concurrency,
              result.perSecond,
              (result.perSecond * size) / MIB,
              result.p50,
              result.p99,
            ]),
          );
        }
      }
    }

    // One large object up and back down, hashing on the client side to check it came back whole.
    const chunk = randomBytes(MIB);
    const sent = createHash('md5');
    for (let i = 0; i < LARGE_MIB; i++) sent.update(chunk);
    const up = await peakRss(pid, async () => {
      const started = performance.now();
      await call(target, 'PUT', '/bench/large', { chunk, total: LARGE_MIB * MIB });
      return (LARGE_MIB * 1000) / (performance.now() - started);
    });
    const received = createHash('md5');
    const down = await peakRss(pid, async () => {
      const started = performance.now();
      const { bytes, etag } = await call(target, 'GET', '/bench/large', undefined, (c) => received.update(c));
      return { rate: (LARGE_MIB * 1000) / (performance.now() - started), bytes, etag };
    });
    const digest = received.digest('hex');
    if (
      down.result.bytes !== LARGE_MIB * MIB ||
      digest !== sent.digest('hex') ||
      down.result.etag !== digest
    ) {
      throw new Error('the large object did not come back intact');
    }
    lines.push('');
    lines.push(`| large object (${LARGE_MIB} MiB) | MiB/s | service RSS peak |`);
    lines.push('| --- | --- | --- |');
    lines.push(row(['PUT', up.result, `${Math.round(up.peak)} MiB`]));
    lines.push(row(['GET', down.result.rate, `${Math.round(down.peak)} MiB`]));
    lines.push('');
    lines.push(`service RSS after the small-object runs' warm-up: ${Math.round(startRss)} MiB`);

    process.stdout.write(`object storage benchmark${QUICK ? ' (quick)' : ''}\n\n${lines.join('\n')}\n`);
  } finally {
    agent.destroy();
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `object storage bench failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});

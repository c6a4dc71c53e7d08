/**
 * Image service benchmark: upload and download MiB/s of 64 MiB images at concurrency 1 and 8,
 * the service's resident memory while 1 GiB goes up and comes back down, and the latency of
 * paging through a list of 1000 images.
 *
 *   npm run bench:image            (builds first; needs MariaDB and NATS, as the tests do)
 *   BENCH_IMAGE_QUICK=1 ...        smaller sizes, for a smoke run
 *
 * Targets (issue 3, 2-core machine): >= 150 MiB/s each way for 64 MiB; < 200 MB RSS during a
 * 1 GiB transfer; list pages p50 < 30 ms.
 */
import { TestCloud } from '@stratus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const MIB = 1024 * 1024;
const QUICK = process.env.BENCH_IMAGE_QUICK === '1';
const IMAGE_MIB = QUICK ? 16 : 64;
const BIG_MIB = QUICK ? 128 : 1024;
const LIST_IMAGES = QUICK ? 200 : 1000;
const ROUNDS = QUICK ? 1 : 3;

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

interface Target {
  url: URL;
  token: string;
}

function call(
  target: Target,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: () => Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        agent,
        host: target.url.hostname,
        port: target.url.port,
        path,
        method,
        headers: {
          'X-Auth-Token': target.token,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) as Record<string, unknown> });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function createImage(target: Target, name: string): Promise<string> {
  const response = await call(target, 'POST', '/v2/images', {
    name,
    disk_format: 'raw',
    container_format: 'bare',
    visibility: 'private',
  });
  if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
  return response.json().id as string;
}

/** Uploads `totalBytes`, cycling through `chunk`, without holding more than the chunk in memory. */
function upload(target: Target, id: string, chunk: Buffer, totalBytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.url.hostname,
        port: target.url.port,
        path: `/v2/images/${id}/file`,
        method: 'PUT',
        headers: {
          'X-Auth-Token': target.token,
          'Content-Type': 'application/octet-stream',
          'Content-Length': totalBytes,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 204 ? resolve() : reject(new Error(`upload: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** Downloads and discards the data, returning its byte count (and md5 when asked). */
function download(target: Target, id: string, hash = false): Promise<{ bytes: number; md5?: string }> {
  return new Promise((resolve, reject) => {
    const md5 = hash ? createHash('md5') : undefined;
    const req = request(
      {
        agent,
        host: target.url.hostname,
        port: target.url.port,
        path: `/v2/images/${id}/file`,
        method: 'GET',
        headers: { 'X-Auth-Token': target.token },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          md5?.update(c);
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve({ bytes, md5: md5?.digest('hex') })
            : reject(new Error(`download: ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Runs `work` while sampling the process's resident memory every 50 ms; returns the peak. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  try {
    const result = await work();
    peak = Math.max(peak, rssMiB(pid));
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function throughput(target: Target, concurrency: number, chunk: Buffer) {
  const bytes = IMAGE_MIB * MIB;
  const ups: number[] = [];
  const downs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ids = await Promise.all(
      Array.from({ length: concurrency }, (_, i) =>
        createImage(target, `bench-${concurrency}-${round}-${i}`),
      ),
    );
    let started = process.hrtime.bigint();
    await Promise.all(ids.map((id) => upload(target, id, chunk, bytes)));
    ups.push((concurrency * IMAGE_MIB) / (Number(process.hrtime.bigint() - started) / 1e9));
    started = process.hrtime.bigint();
    const got = await Promise.all(ids.map((id) => download(target, id)));
    downs.push((concurrency * IMAGE_MIB) / (Number(process.hrtime.bigint() - started) / 1e9));
    if (got.some((g) => g.bytes !== bytes)) throw new Error('short download');
    await Promise.all(ids.map((id) => call(target, 'DELETE', `/v2/images/${id}`)));
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { upload: median(ups), download: median(downs) };
}

async function main(): Promise<void> {
  const cloud = await TestCloud.start(['image'], {
    image: { IMAGE_QUOTA_IMAGES: '-1', IMAGE_QUOTA_BYTES: '-1', LOG_LEVEL: 'warn' },
  });
  try {
    const user = await cloud.createProjectUser('bench');
    const target: Target = { url: new URL(cloud.service('image').url), token: await cloud.token(user) };
    const pid = cloud.service('image').pid!;
    const chunk = randomBytes(MIB);
    const results: Record<string, number | string> = {};
    results.rss_start_MiB = Math.round(rssMiB(pid));

    for (const concurrency of [1, 8]) {
      const { upload: up, download: down } = await throughput(target, concurrency, chunk);
      results[`upload_${IMAGE_MIB}MiB_c${concurrency}_MiBps`] = Math.round(up);
      results[`download_${IMAGE_MIB}MiB_c${concurrency}_MiBps`] = Math.round(down);
      results[`rss_after_c${concurrency}_MiB`] = Math.round(rssMiB(pid));
    }

    const big = await createImage(target, 'bench-big');
    const up = await peakRss(pid, async () => {
      const started = process.hrtime.bigint();
      await upload(target, big, chunk, BIG_MIB * MIB);
      return BIG_MIB / (Number(process.hrtime.bigint() - started) / 1e9);
    });
    const down = await peakRss(pid, async () => {
      const started = process.hrtime.bigint();
      const got = await download(target, big, true);
      return { rate: BIG_MIB / (Number(process.hrtime.bigint() - started) / 1e9), got };
    });
    const shown = (await call(target, 'GET', `/v2/images/${big}`)).json();
    if (down.result.got.bytes !== BIG_MIB * MIB || down.result.got.md5 !== shown.checksum) {
      throw new Error('the big image did not come back intact');
    }
    results[`rss_peak_upload_${BIG_MIB}MiB_MiB`] = Math.round(up.peak);
    results[`rss_peak_download_${BIG_MIB}MiB_MiB`] = Math.round(down.peak);
    results[`upload_${BIG_MIB}MiB_MiBps`] = Math.round(up.result);
    results[`download_${BIG_MIB}MiB_MiBps`] = Math.round(down.result.rate);
    await call(target, 'DELETE', `/v2/images/${big}`);

    // Listing: LIST_IMAGES images, paged with the default limit, several passes.
    for (let i = 0; i < LIST_IMAGES; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, LIST_IMAGES - i) }, (_, j) => createImage(target, `list-${i + j}`)),
      );
    }
    const latencies: number[] = [];
    for (let pass = 0; pass < (QUICK ? 2 : 5); pass++) {
      let next: string | undefined = '/v2/images';
      let seen = 0;
      while (next) {
        const started = process.hrtime.bigint();
        const page = (await call(target, 'GET', next)).json() as { images: unknown[]; next?: string };
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        seen += page.images.length;
        next = page.next;
      }
      if (seen !== LIST_IMAGES) throw new Error(`listed ${seen} of ${LIST_IMAGES} images`);
    }
    latencies.sort((x, y) => x - y);
    results.list_images = LIST_IMAGES;
    results.list_pages = latencies.length;
    results.list_page_p50_ms = Number(percentile(latencies, 50).toFixed(1));
    results.list_page_p95_ms = Number(percentile(latencies, 95).toFixed(1));

    const width = Math.max(...Object.keys(results).map((k) => k.length));
    process.stdout.write(`image service benchmark${QUICK ? ' (quick)' : ''}\n`);
    for (const [key, value] of Object.entries(results))
      process.stdout.write(`  ${key.padEnd(width)}  ${value}\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'image', quick: QUICK, ...results })}\n`);
  } finally {
    agent.destroy();
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`image bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

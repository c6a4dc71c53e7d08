import { execFile } from 'node:child_process';
import { VolumeBackendError } from './volume-driver';

export interface ImageInfo {
  format: string;
  virtualSize: number;
  backingFile: string | null;
}

/** What qemu-img calls the Glance disk formats it can read. */
const QEMU_FORMAT: Record<string, string> = {
  raw: 'raw',
  qcow2: 'qcow2',
  vmdk: 'vmdk',
  vdi: 'vdi',
  vhd: 'vpc',
  vhdx: 'vhdx',
  iso: 'raw',
};

export function qemuFormatOf(diskFormat: string | null): string | undefined {
  return diskFormat ? QEMU_FORMAT[diskFormat] : undefined;
}

/** Runs a program and resolves with its stdout; failures carry the program's last words. */
export function run(program: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const detail = (stderr || error.message).trim().split('\n').slice(-3).join(' ');
      reject(new VolumeBackendError(`${program.split('/').pop()} ${args[0]} failed: ${detail}`));
    });
  });
}

/** qemu-img, the one tool the file driver uses to read, convert and resize disk images. */
export class QemuImg {
  constructor(
    private readonly program: string,
    private readonly timeoutMs: number,
  ) {}

  /** Probes the file's real format (never trusting the name it came with) and its virtual size. */
  async info(path: string): Promise<ImageInfo> {
    const out = await run(this.program, ['info', '--output=json', path], this.timeoutMs);
    const parsed = JSON.parse(out) as { format: string; 'virtual-size': number; 'backing-filename'?: string };
    return {
      format: parsed.format,
      virtualSize: parsed['virtual-size'],
      backingFile: parsed['backing-filename'] ?? null,
    };
  }

  async create(path: string, format: string, bytes: number): Promise<void> {
    await run(this.program, ['create', '-q', '-f', format, path, String(bytes)], this.timeoutMs);
  }

  /** Converts, writing holes for zeroes so raw output stays sparse. */
  async convert(source: string, sourceFormat: string, target: string, targetFormat: string): Promise<void> {
    await run(
      this.program,
      ['convert', '-q', '-f', sourceFormat, '-O', targetFormat, '-S', '4k', source, target],
      this.timeoutMs,
    );
  }

  async resize(path: string, format: string, bytes: number): Promise<void> {
    await run(this.program, ['resize', '-q', '-f', format, path, String(bytes)], this.timeoutMs);
  }
}

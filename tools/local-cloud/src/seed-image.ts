import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_IMAGE_NAME = 'test_image';

interface ImageFile {
  name: string;
  data: Buffer;
  diskFormat: string;
  containerFormat: string;
  properties?: Record<string, string>;
}

async function call(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, headers: { 'X-Auth-Token': token, ...init.headers } });
  if (response.status >= 300)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return response;
}

async function upload(imageUrl: string, token: string, file: ImageFile): Promise<string> {
  const created = await call(`${imageUrl}/v2/images`, token, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: file.name,
      disk_format: file.diskFormat,
      container_format: file.containerFormat,
      visibility: 'public',
      ...file.properties,
    }),
  });
  const { id } = (await created.json()) as { id: string };
  await call(`${imageUrl}/v2/images/${id}/file`, token, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: file.data,
  });
  return id;
}

/**
 * Uploads the bootable test image once: the tiny guest (`tools/libvirt/build-tiny-guest.sh`) as
 * an AMI-style trio, root disk with kernel_id and ramdisk_id, which boots under libvirt. Without
 * it, a small blank raw disk, which the fake driver boots as well as any.
 */
export async function seedTestImage(imageUrl: string, token: string, tinyGuestDir: string): Promise<string> {
  const existing = await call(`${imageUrl}/v2/images?name=${TEST_IMAGE_NAME}`, token);
  if (((await existing.json()) as { images: unknown[] }).images.length > 0)
    return 'test image already present';
  const kernel = join(tinyGuestDir, 'vmlinuz');
  const ramdisk = join(tinyGuestDir, 'initrd.img');
  const root = join(tinyGuestDir, 'base.qcow2');
  if ([kernel, ramdisk, root].every((path) => existsSync(path))) {
    const kernelId = await upload(imageUrl, token, {
      name: `${TEST_IMAGE_NAME}-kernel`,
      data: readFileSync(kernel),
      diskFormat: 'aki',
      containerFormat: 'aki',
    });
    const ramdiskId = await upload(imageUrl, token, {
      name: `${TEST_IMAGE_NAME}-ramdisk`,
      data: readFileSync(ramdisk),
      diskFormat: 'ari',
      containerFormat: 'ari',
    });
    await upload(imageUrl, token, {
      name: TEST_IMAGE_NAME,
      data: readFileSync(root),
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      properties: { kernel_id: kernelId, ramdisk_id: ramdiskId, os_command_line: 'console=ttyS0 panic=-1' },
    });
    return `uploaded ${TEST_IMAGE_NAME} (tiny guest from ${tinyGuestDir})`;
  }
  const blank = Buffer.alloc(1024 * 1024);
  await upload(imageUrl, token, {
    name: TEST_IMAGE_NAME,
    data: blank,
    diskFormat: 'raw',
    containerFormat: 'bare',
  });
  return `uploaded a blank ${TEST_IMAGE_NAME} (run tools/libvirt/build-tiny-guest.sh for a bootable one)`;
}

import { Readable } from 'node:stream';
import { formBoundary, InvalidForm, readMultipart } from './multipart-reader';

async function parts(body: Buffer, boundary: string, chunk: number) {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunk) pieces.push(body.subarray(i, i + chunk));
  const found: Record<string, string | undefined>[] = [];
  for await (const part of readMultipart(Readable.from(pieces), boundary)) {
    if (part.name === 'skipped') {
      found.push({ name: part.name });
      continue;
    }
    const data: Buffer[] = [];
    for await (const c of part.body) data.push(c as Buffer);
    found.push({
      name: part.name,
      filename: part.filename,
      type: part.contentType,
      data: Buffer.concat(data).toString(),
    });
  }
  return found;
}

describe('multipart/form-data reader', () => {
  it('finds the boundary in the content type', () => {
    expect(formBoundary('multipart/form-data; boundary=----abc')).toBe('----abc');
    expect(formBoundary('multipart/form-data; charset=utf-8; boundary="q r"')).toBe('q r');
    expect(formBoundary('application/json')).toBeUndefined();
  });

  it.each([1, 7, 64, 4096])('streams fields and files read %i bytes at a time', async (chunk) => {
    const b = 'XyZ';
    const body = Buffer.from(
      `preamble\r\n--${b}\r\nContent-Disposition: form-data; name="expires"\r\n\r\n1700000000\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="skipped"\r\n\r\nnot read\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="file1"; filename="a \\"b\\".txt"\r\nContent-Type: text/plain\r\n\r\n` +
        `line one\r\n-${b} almost a boundary\r\n` +
        `--${b}--\r\n`,
    );
    expect(await parts(body, b, chunk)).toEqual([
      { name: 'expires', filename: undefined, type: undefined, data: '1700000000' },
      { name: 'skipped' },
      {
        name: 'file1',
        filename: 'a "b".txt',
        type: 'text/plain',
        data: `line one\r\n-${b} almost a boundary`,
      },
    ]);
  });

  it('refuses a truncated form', async () => {
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end');
    await expect(parts(body, 'b', 5)).rejects.toBeInstanceOf(InvalidForm);
  });
});

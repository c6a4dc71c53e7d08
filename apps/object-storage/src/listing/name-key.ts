/** The ordering key of a name: hex of its UTF-8 bytes, which sorts as Swift sorts names. */
export function nameKey(name: string): string {
  return Buffer.from(name, 'utf8').toString('hex');
}

/** Every key of a name starting with `prefix` is below this, and every other key above `prefix`'s is not. */
export function prefixEnd(prefixKey: string): string {
  return `${prefixKey}g`;
}

import { ErrorCode } from './remote-protocol';

/**
 * An error libvirtd answered (remote_error). `code` is a virErrorNumber (42: no such domain,
 * 55: operation invalid in the domain's current state, ...), `domain` a virErrorDomain naming the
 * subsystem that raised it (10: QEMU, 12: test driver, ...).
 */
export class LibvirtError extends Error {
  constructor(
    readonly code: number,
    readonly domain: number,
    message: string,
    readonly level: number,
    /** The procedure that failed, so a log line says which call it was. */
    readonly procedure: number,
  ) {
    super(message);
    this.name = 'LibvirtError';
  }

  get isNoDomain(): boolean {
    return this.code === ErrorCode.NoDomain;
  }
}

/** The connection itself failed: the socket closed, a reply timed out, or a message was malformed. */
export class LibvirtConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LibvirtConnectionError';
  }
}

export const isLibvirtError = (error: unknown, code?: number): error is LibvirtError =>
  error instanceof LibvirtError && (code === undefined || error.code === code);

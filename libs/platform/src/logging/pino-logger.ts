import type { LoggerService } from '@nestjs/common';
import pino, { Logger, LevelWithSilent } from 'pino';

/** Structured JSON logs on stdout through pino, behind Nest's LoggerService. */
export class PinoLogger implements LoggerService {
  readonly pino: Logger;

  constructor(service: string, level: LevelWithSilent) {
    this.pino = pino({ level, base: { service } });
  }

  log(message: unknown, context?: string): void {
    this.pino.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.pino.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace({ context }, String(message));
  }
}

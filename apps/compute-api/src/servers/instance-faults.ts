import { DomainError } from '@stratus/platform';
import type { InstanceFault } from '@stratus/contracts';
import type { InstanceFaultRecord } from './instance.entity';

export function faultRecord(fault: InstanceFault): InstanceFaultRecord {
  return {
    code: fault.code,
    message: fault.message,
    details: fault.details ?? null,
    created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** A fault from an error on the way: remote errors keep their status, anything else is a 500. */
export function faultFromError(error: unknown): InstanceFault {
  if (error instanceof DomainError)
    return { code: error.status >= 400 ? error.status : 500, message: error.message };
  return { code: 500, message: error instanceof Error ? error.message : String(error) };
}

export function noValidHostFault(error: unknown): InstanceFault {
  return {
    code: 500,
    message: 'No valid host was found. There are not enough hosts available.',
    details: error instanceof Error ? error.message : String(error),
  };
}

export function retriesExhaustedFault(uuid: string, last: InstanceFault): InstanceFault {
  return {
    code: 500,
    message: `Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ${uuid}.`,
    details: last.message,
  };
}

export function timeoutFault(uuid: string, operation: string, seconds: number): InstanceFault {
  return {
    code: 500,
    message: `The ${operation} of instance ${uuid} did not finish on its host within ${seconds} seconds.`,
  };
}

export function isNoValidHost(error: unknown): boolean {
  return error instanceof DomainError && error.type === 'NoValidHost';
}

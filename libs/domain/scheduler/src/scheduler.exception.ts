import { ErrorCode } from '@stratus/contracts';

/** Carries what an edge needs to rebuild the error elsewhere: a bus code and the OpenStack error name. */
export class SchedulerException extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** Stops start-up: a scheduler running with filters other than those configured would place silently wrong. */
export class InvalidSchedulerConfigException extends SchedulerException {
  constructor(message: string) {
    super(ErrorCode.Internal, 'InvalidSchedulerConfig', message);
  }
}

/**
 * Nova's NoValidHost. Its code is Internal because Nova records it as a 500 fault on the server,
 * which is what clients show. `emptiedBy` names the filter that removed the last candidates, for
 * logs only: the message stays generic, as Nova's does, so users learn nothing about the hosts.
 */
export class NoValidHostException extends SchedulerException {
  constructor(readonly emptiedBy?: string) {
    super(
      ErrorCode.Internal,
      'NoValidHost',
      'No valid host was found. There are not enough hosts available.',
    );
  }
}

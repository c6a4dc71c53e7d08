export * from './common/rpc';
export * from './common/errors';
export * from './identity/identity.events';
export * from './identity/identity.rpc';
export * from './scheduler/scheduler.rpc';
export * from './compute/compute-hosts';
export * from './compute/compute-agent.rpc';
export * from './compute/compute.events';

export * from './common/rpc';
export * from './common/errors';
export * from './identity/identity.events';
export * from './identity/identity.rpc';

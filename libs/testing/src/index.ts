export * from './expect-eventually';
export * from './repo-root';
export * from './test-environment';
export * from './running-service';
export * from './free-port';
export * from './service-process';
export * from './test-cloud';
export * from './openstack-cli';

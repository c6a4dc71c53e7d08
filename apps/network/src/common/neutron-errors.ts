import { ErrorCode } from '@stratus/contracts';
import { badRequest, conflict, DomainError, forbidden, notFound } from '@stratus/platform';

/**
 * Neutron's exceptions (neutron_lib.exceptions and the plugins' own), with the type names and
 * messages its clients show, so `openstack` prints what an operator of Neutron would recognise.
 */
export const invalidInput = (message: string) =>
  badRequest(`Invalid input for operation: ${message}.`, 'InvalidInput');

export const policyNotAuthorized = (action: string) =>
  forbidden(`rule:${action} is disallowed by policy`, 'PolicyNotAuthorized');

export const networkNotFound = (id: string) =>
  notFound(`Network ${id} could not be found.`, 'NetworkNotFound');
export const subnetNotFound = (id: string) => notFound(`Subnet ${id} could not be found.`, 'SubnetNotFound');
export const portNotFound = (id: string) => notFound(`Port ${id} could not be found.`, 'PortNotFound');
export const routerNotFound = (id: string) => notFound(`Router ${id} could not be found.`, 'RouterNotFound');
export const floatingIpNotFound = (id: string) =>
  notFound(`Floating IP ${id} could not be found`, 'FloatingIPNotFound');
export const securityGroupNotFound = (id: string) =>
  notFound(`Security group ${id} does not exist`, 'SecurityGroupNotFound');
export const securityGroupRuleNotFound = (id: string) =>
  notFound(`Security group rule ${id} does not exist`, 'SecurityGroupRuleNotFound');
export const tagNotFound = (tag: string) => notFound(`Tag ${tag} could not be found.`, 'TagNotFound');

export const networkInUse = (id: string) =>
  conflict(
    `Unable to complete operation on network ${id}. There are one or more ports still in use on the network.`,
    'NetworkInUse',
  );
export const subnetInUse = (id: string) =>
  conflict(
    `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
    'SubnetInUse',
  );
export const ipAddressGenerationFailure = (networkId: string) =>
  conflict(`No more IP addresses available on network ${networkId}.`, 'IpAddressGenerationFailure');
export const ipAddressAlreadyAllocated = (ip: string, subnetId: string) =>
  conflict(`IP address ${ip} already allocated in subnet ${subnetId}`, 'IpAddressAlreadyAllocated');
export const ipAddressInUse = (networkId: string, ip: string) =>
  conflict(
    `Unable to complete operation for network ${networkId}. The IP address ${ip} is in use.`,
    'IpAddressInUse',
  );
export const macAddressInUse = (networkId: string, mac: string) =>
  conflict(
    `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`,
    'MacAddressInUse',
  );
export const invalidIpForSubnet = (ip: string) =>
  badRequest(`IP address ${ip} is not a valid IP for the specified subnet.`, 'InvalidIpForSubnet');
export const invalidIpForNetwork = (ip: string) =>
  badRequest(
    `IP address ${ip} is not a valid IP for any of the subnets on the specified network.`,
    'InvalidIpForNetwork',
  );
export const servicePortInUse = (portId: string, reason: string) =>
  conflict(`Port ${portId} cannot be deleted directly via the port API: ${reason}.`, 'ServicePortInUse');
export const portInUse = (portId: string, networkId: string, deviceId: string) =>
  conflict(
    `Unable to complete operation on port ${portId} for network ${networkId}. Port already has an attached device ${deviceId}.`,
    'PortInUse',
  );

export const overQuota = (resource: string) =>
  new DomainError(ErrorCode.OverQuota, `Quota exceeded for resources: ['${resource}'].`, 'OverQuota', 409);

export const revisionConstraintFailed = (expected: number, current: number) =>
  new DomainError(
    ErrorCode.Conflict,
    `Constrained to ${expected}, but current revision is ${current}`,
    'RevisionNumberConstraintFailed',
    412,
  );

import { conflict } from '@stratus/platform';
import { randomInt } from 'node:crypto';
import type { NetworkConfig } from '../config/network-config';
import { invalidInput } from '../common/neutron-errors';

export type NetworkType = 'vxlan' | 'vlan' | 'flat' | 'local';

/** A network's provider segment: how its frames travel between hosts. */
export interface ProviderSegment {
  networkType: NetworkType;
  physicalNetwork: string | null;
  /** The VNI or VLAN id; undefined means "allocate one". */
  segmentationId: number | null | undefined;
}

export interface ProviderRequest {
  networkType?: string;
  physicalNetwork?: string | null;
  segmentationId?: number | null;
}

const OVERHEAD: Record<NetworkType, number> = { vxlan: 50, vlan: 0, flat: 0, local: 0 };

/** Validates provider attributes as ML2's type drivers do; none given means a tenant network of the configured type. */
export function resolveSegment(request: ProviderRequest, config: NetworkConfig): ProviderSegment {
  const networkType = request.networkType ?? config.NETWORK_TENANT_NETWORK_TYPE;
  const physnet = request.physicalNetwork ?? null;
  const segmentationId = request.segmentationId ?? undefined;
  switch (networkType) {
    case 'vxlan':
      if (physnet !== null) throw invalidInput('provider:physical_network specified for vxlan network');
      if (segmentationId !== undefined && (segmentationId < 1 || segmentationId > 16777215)) {
        throw invalidInput(`segmentation_id out of range (1 through 16777215)`);
      }
      return { networkType, physicalNetwork: null, segmentationId };
    case 'vlan':
      requirePhysnet(physnet, config);
      if (segmentationId !== undefined && (segmentationId < 1 || segmentationId > 4094)) {
        throw invalidInput('segmentation_id out of range (1 through 4094)');
      }
      return { networkType, physicalNetwork: physnet, segmentationId };
    case 'flat':
      requirePhysnet(physnet, config);
      if (segmentationId !== undefined) throw invalidInput('segmentation_id specified for flat network');
      return { networkType, physicalNetwork: physnet, segmentationId: null };
    case 'local':
      if (physnet !== null || segmentationId !== undefined) {
        throw invalidInput(
          'provider:physical_network and provider:segmentation_id are not allowed for local networks',
        );
      }
      return { networkType, physicalNetwork: null, segmentationId: null };
    default:
      throw invalidInput(`network_type value '${networkType}' not supported`);
  }
}

function requirePhysnet(physnet: string | null, config: NetworkConfig): asserts physnet is string {
  if (physnet === null) throw invalidInput('physical_network required for flat and vlan provider networks');
  if (!config.NETWORK_PHYSICAL_NETWORKS.includes(physnet)) {
    throw invalidInput(`physical_network '${physnet}' unknown for flat and vlan provider networks`);
  }
}

/** A random free-looking id from the type's range; the unique segment key settles collisions. */
export function candidateSegmentationId(segment: ProviderSegment, config: NetworkConfig): number | null {
  if (segment.segmentationId !== undefined) return segment.segmentationId;
  if (segment.networkType === 'vxlan') {
    return randomInt(config.NETWORK_VNI_RANGE.first, config.NETWORK_VNI_RANGE.last + 1);
  }
  if (segment.networkType === 'vlan') return randomInt(1, 4095);
  return null;
}

/** The value of the unique index: one network per VNI, per VLAN on a physnet, per flat physnet. */
export function segmentKey(
  type: NetworkType,
  physnet: string | null,
  segmentationId: number | null,
): string | null {
  if (type === 'local') return null;
  return `${type}:${physnet ?? ''}:${segmentationId ?? ''}`;
}

export function segmentInUse(type: NetworkType, physnet: string | null, segmentationId: number | null) {
  if (type === 'flat') {
    return conflict(
      `Unable to create the flat network. Physical network ${physnet} is in use.`,
      'FlatNetworkInUse',
    );
  }
  if (type === 'vlan') {
    return conflict(
      `Unable to create the network. The VLAN ${segmentationId} on physical network ${physnet} is in use.`,
      'VlanIdInUse',
    );
  }
  return conflict(
    `Unable to create the network. The tunnel ID ${segmentationId} is in use.`,
    'TunnelIdInUse',
  );
}

/** The largest MTU a network of this type can carry over the physical network. */
export function maxMtu(type: NetworkType, config: NetworkConfig): number {
  return config.NETWORK_PHYSNET_MTU - OVERHEAD[type];
}

import type { LinkBuilder } from '../common/nova-request';
import type { FlavorEntity } from './flavor.entity';

export function flavorSummary(flavor: FlavorEntity, links: LinkBuilder) {
  return { id: flavor.id, name: flavor.name, links: links.links('flavors', flavor.id) };
}

export function flavorDetail(flavor: FlavorEntity, links: LinkBuilder) {
  return {
    id: flavor.id,
    name: flavor.name,
    ram: flavor.memoryMb,
    disk: flavor.rootGb,
    vcpus: flavor.vcpus,
    // Before 2.75 Nova shows no swap as an empty string.
    swap: flavor.swap || '',
    'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeralGb,
    'OS-FLV-DISABLED:disabled': flavor.disabled,
    rxtx_factor: flavor.rxtxFactor,
    'os-flavor-access:is_public': flavor.isPublic,
    links: links.links('flavors', flavor.id),
  };
}

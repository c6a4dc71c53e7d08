import { ComputeHostEntity } from '../hosts/compute-host.entity';
import { FlavorEntity, FlavorProjectEntity } from '../flavors/flavor.entity';
import { KeypairEntity } from '../keypairs/keypair.entity';
import { QuotaEntity } from '../quotas/quota.entity';
import { ServerGroupEntity } from '../server-groups/server-group.entity';
import { InstanceActionEntity, InstanceActionEventEntity, InstanceEntity } from '../servers/instance.entity';

export const COMPUTE_ENTITIES = [
  FlavorEntity,
  FlavorProjectEntity,
  KeypairEntity,
  ServerGroupEntity,
  QuotaEntity,
  InstanceEntity,
  InstanceActionEntity,
  InstanceActionEventEntity,
  ComputeHostEntity,
];

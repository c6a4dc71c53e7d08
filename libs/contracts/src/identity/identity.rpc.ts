import { rpc } from '../common/rpc';

export interface ProjectRef {
  id: string;
  name: string;
  domainId: string;
  enabled: boolean;
}

/** Looks up a project by id, for services that must check a project exists (quotas, sharing). */
export const GetProject = rpc<{ projectId: string }, ProjectRef>('identity.project.get');

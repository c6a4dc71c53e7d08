import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEPLOYED_SERVICES } from '../src/deployed-services';
import { generatedFiles, manifestsFolder, releaseVersion, repositoryRoot } from '../src/main';
import { manifestTree } from '../src/manifest-tree';
import { HYPERVISOR_LABEL } from '../src/names';
import { OVERLAYS } from '../src/overlays';
import { schemaProblems } from './kubernetes-schemas';

/** kubectl from PATH: Debian's kubernetes-client (kustomize v2.0.3) on CI, any newer one elsewhere. */
const KUBECTL = process.env.KUBECTL ?? 'kubectl';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Renders a kustomization the way `kubectl apply -k` would, and reads it with YAML 1.1 rules as the
 * API server does (an unquoted `off` is a boolean there).
 */
function render(folder: string): Doc[] {
  const output = execFileSync(KUBECTL, ['kustomize', folder], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(output, { version: '1.1' })
    .map((document) => document.toJS() as Doc | null)
    .filter((document): document is Doc => document !== null);
}

function find(documents: Doc[], kind: string, name: string): Doc | undefined {
  return documents.find((d) => d.kind === kind && d.metadata.name === name);
}

function podSpec(workload: Doc): Doc {
  return workload.spec.template.spec;
}

function envValue(container: Doc, name: string): string | undefined {
  return (container.env as Doc[]).find((variable) => variable.name === name)?.value;
}

/** The claim and subfolder a container sees at `path`, when a claim is mounted there. */
function claimAt(
  workload: Doc,
  container: Doc,
  path: string,
): { claim: string; subPath?: string } | undefined {
  const mount = (container.volumeMounts as Doc[]).find((m) => m.mountPath === path);
  const volume = (podSpec(workload).volumes as Doc[]).find((v) => v.name === mount?.name);
  return (
    volume?.persistentVolumeClaim && {
      claim: volume.persistentVolumeClaim.claimName,
      subPath: mount!.subPath,
    }
  );
}

const STORING = DEPLOYED_SERVICES.filter((s) => s.storage);

const folder = manifestsFolder();
const version = releaseVersion();

describe('deploy/k8s', () => {
  it('is what the generator writes from the service registry', () => {
    const tree = manifestTree(version);
    const stale = generatedFiles(folder).filter((file) => !(file in tree));
    const outdated = Object.keys(tree).filter(
      (file) => !existsSync(join(folder, file)) || readFileSync(join(folder, file), 'utf8') !== tree[file],
    );
    // Run `npm run deploy:manifests` after changing deploy/src, the registry or the version.
    expect({ stale, outdated }).toEqual({ stale: [], outdated: [] });
  });

  describe.each(OVERLAYS.map((overlay) => [overlay.name, overlay] as const))(
    'overlay %s',
    (_name, overlay) => {
      let documents: Doc[] = [];
      let workloads: Doc[] = [];
      let containers: Doc[] = [];

      beforeAll(() => {
        documents = render(join(folder, 'overlays', overlay.name));
        workloads = documents.filter((d) => d.kind === 'Deployment' || d.kind === 'DaemonSet');
        containers = documents
          .filter((d) => ['Deployment', 'DaemonSet', 'Job'].includes(d.kind))
          .flatMap((d) => podSpec(d).containers as Doc[]);
      });

      it('validates against the Kubernetes API schemas', () => {
        expect(documents.length).toBeGreaterThan(20);
        expect(documents.flatMap(schemaProblems)).toEqual([]);
      });

      it('runs one pinned image, never :latest', () => {
        const images = new Set(containers.map((c) => c.image));
        expect([...images]).toEqual([`${overlay.image}:${version}`]);
      });

      it('deploys every service with probes, resources and a network policy', () => {
        expect(workloads.map((w) => w.metadata.name).sort()).toEqual(
          DEPLOYED_SERVICES.map((s) => s.descriptor.name).sort(),
        );
        for (const workload of workloads) {
          const [container] = podSpec(workload).containers as Doc[];
          expect(container.readinessProbe.httpGet.path).toBe('/readyz');
          expect(container.livenessProbe.httpGet.path).toBe('/healthz');
          for (const bound of ['requests', 'limits']) {
            expect(Object.keys(container.resources[bound]).sort()).toEqual(['cpu', 'memory']);
          }
          expect(find(documents, 'Service', workload.metadata.name)).toBeDefined();
          if (workload.kind === 'Deployment') {
            expect(find(documents, 'NetworkPolicy', workload.metadata.name)?.spec.podSelector).toEqual({
              matchLabels: workload.spec.selector.matchLabels,
            });
          }
        }
      });

      it(
        overlay.highlyAvailable
          ? 'scales each Deployment with an HPA and protects it with a PDB'
          : 'runs a single replica of each service',
        () => {
          for (const deployment of workloads.filter((w) => w.kind === 'Deployment')) {
            const name = deployment.metadata.name;
            expect(deployment.spec.replicas).toBeUndefined();
            expect(find(documents, 'HorizontalPodAutoscaler', name)?.spec.scaleTargetRef.name).toBe(
              overlay.highlyAvailable ? name : undefined,
            );
            expect(find(documents, 'PodDisruptionBudget', name)?.spec.selector).toEqual(
              overlay.highlyAvailable ? deployment.spec.selector : undefined,
            );
          }
          expect(find(documents, 'MariaDB', 'mariadb')?.spec.replicas).toBe(overlay.highlyAvailable ? 3 : 1);
        },
      );

      it('has a migration Job for every service with a database', () => {
        for (const service of DEPLOYED_SERVICES.filter((s) => s.database)) {
          const job = find(documents, 'Job', `${service.descriptor.name}-migrate`);
          expect(podSpec(job!).containers[0].args).toEqual(['migrate']);
          expect(find(documents, 'Database', `stratus-${service.descriptor.name}`)).toBeDefined();
        }
      });

      it('labels what the upgrade applies before the rollout: config, database and migrations', () => {
        const component = (d: Doc) => d.metadata.labels?.['app.kubernetes.io/component'];
        const early = (kinds: string[]) => documents.filter((d) => kinds.includes(d.kind));
        expect(early(['ConfigMap']).map(component)).toEqual(['config', 'config']);
        expect(new Set(early(['MariaDB', 'Database', 'User', 'Grant']).map(component))).toEqual(
          new Set(['database']),
        );
        expect(new Set(early(['Job']).map(component))).toEqual(new Set(['migration']));
        const pods = workloads.map((w) => w.spec.template.metadata.labels['app.kubernetes.io/component']);
        expect(pods.filter((c) => ['config', 'database', 'migration'].includes(c))).toEqual([]);
      });

      it('takes secrets from Secrets and configuration from ConfigMaps it renders', () => {
        expect(documents.filter((d) => d.kind === 'Secret')).toEqual([]);
        const configMaps = new Set(
          documents.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata.name),
        );
        for (const container of containers) {
          for (const variable of (container.env ?? []) as Doc[]) {
            if (/PASSWORD|SECRET|CREDENTIAL/.test(variable.name))
              expect(variable.valueFrom?.secretKeyRef).toBeDefined();
            // A URL may carry a password only as a reference the kubelet fills in from a Secret.
            expect(variable.value ?? '').not.toMatch(/:\/\/[^:/]+:(?!\$\()[^@]+@/);
          }
          for (const source of (container.envFrom ?? []) as Doc[])
            expect(configMaps).toContain(source.configMapRef.name);
        }
        for (const configMap of documents.filter((d) => d.kind === 'ConfigMap')) {
          expect(Object.keys(configMap.data).filter((key) => /PASSWORD|SECRET/.test(key))).toEqual([]);
        }
      });

      it("advertises the Ingress hosts in identity's catalog", () => {
        const identityConfig = documents.find(
          (d) => d.kind === 'ConfigMap' && d.metadata.name.startsWith('identity-config'),
        );
        const entries = JSON.parse(identityConfig!.data.IDENTITY_BOOTSTRAP_CATALOG) as {
          public: string;
          internal: string;
        }[];
        const ingresses = documents.filter((d) => d.kind === 'Ingress');
        const hosts = ingresses.flatMap((i) => i.spec.rules.map((r: Doc) => r.host)).sort();
        expect(entries.map((e) => new URL(e.public).host).sort()).toEqual(hosts);
        for (const entry of entries)
          expect(new URL(entry.public).protocol).toBe(overlay.tls ? 'https:' : 'http:');
        for (const ingress of ingresses) {
          const backend = ingress.spec.rules[0].http.paths[0].backend.service;
          const target = find(documents, 'Service', backend.name);
          expect(target?.spec.ports.map((p: Doc) => p.name)).toContain(backend.port.name);
        }
      });

      it('runs compute-agent privileged on hypervisor nodes, named after the node', () => {
        const agent = find(documents, 'DaemonSet', 'compute-agent')!;
        const spec = podSpec(agent);
        expect(spec.nodeSelector).toEqual({ [HYPERVISOR_LABEL]: 'true' });
        expect(spec.containers[0].securityContext.privileged).toBe(true);
        expect(spec.volumes.filter((v: Doc) => v.hostPath).map((v: Doc) => v.hostPath.path)).toEqual([
          '/var/run/libvirt',
          '/var/lib/stratus/instances',
          '/run/netns',
          '/var/lib/stratus',
        ]);
        expect(spec.containers[0].volumeMounts).toContainEqual({
          name: 'netns',
          mountPath: '/run/netns',
          mountPropagation: 'Bidirectional',
        });
        expect(spec.containers[0].env).toContainEqual({
          name: 'COMPUTE_AGENT_HOST',
          valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
        });
      });

      it('keeps image, volume and object data on a ReadWriteMany claim where the variables point', () => {
        expect(STORING.map((s) => s.descriptor.name).sort()).toEqual([
          'block-storage',
          'image',
          'object-storage',
        ]);
        for (const service of STORING) {
          const name = service.descriptor.name;
          const deployment = find(documents, 'Deployment', name)!;
          const [container] = podSpec(deployment).containers as Doc[];
          const claims = new Set<string>();
          const paths = new Set<string>();
          for (const { variable } of service.storage!.folders) {
            const path = envValue(container, variable) ?? '(unset)';
            const mounted = claimAt(deployment, container, path);
            // With the variable's name, a failure says which folder is not on a claim.
            expect({ variable, claim: mounted?.claim }).toEqual({ variable, claim: expect.any(String) });
            claims.add(mounted!.claim);
            paths.add(path);
          }
          // One claim per service, each folder its own part of it.
          expect(claims.size).toBe(1);
          expect(paths.size).toBe(service.storage!.folders.length);
          const claim = find(documents, 'PersistentVolumeClaim', [...claims][0])!;
          expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
          expect(claim.spec.storageClassName).toBe(overlay.storageClass);
          expect(claim.spec.resources.requests.storage).toBe(service.storage!.size);
          // Migrations touch only the database.
          expect(podSpec(find(documents, 'Job', `${name}-migrate`)!).volumes).toEqual([
            expect.objectContaining({ emptyDir: expect.anything() }),
          ]);
        }
        expect(documents.filter((d) => d.kind === 'PersistentVolumeClaim')).toHaveLength(STORING.length);
      });

      it('gives block storage a /tmp big enough to convert images into volumes', () => {
        const scratchOf = (name: string) =>
          (podSpec(find(documents, 'Deployment', name)!).volumes as Doc[]).find((v) => v.name === 'scratch')!
            .emptyDir.sizeLimit;
        expect(scratchOf('block-storage')).toBe('50Gi');
        expect(scratchOf('identity')).toBe('256Mi');
      });

      it("mounts block-storage's volume folder in compute-agent and on its host at the same path", () => {
        const blockStorage = find(documents, 'Deployment', 'block-storage')!;
        const path = envValue(podSpec(blockStorage).containers[0], 'BLOCK_STORAGE_VOLUMES_DIR')!;
        const served = claimAt(blockStorage, podSpec(blockStorage).containers[0], path)!;

        const agent = find(documents, 'DaemonSet', 'compute-agent')!;
        const spec = podSpec(agent);
        expect(claimAt(agent, spec.containers[0], path)).toEqual(served);

        // libvirtd on the host opens the path: an init container binds the claim there.
        const [publish] = spec.initContainers as Doc[];
        expect(publish.securityContext.privileged).toBe(true);
        const source = (publish.volumeMounts as Doc[]).find(
          (m) => claimAt(agent, publish, m.mountPath)?.claim === served.claim,
        )!;
        expect(source.subPath).toBe(served.subPath);
        const hostMount = (publish.volumeMounts as Doc[]).find(
          (m) => m.mountPropagation === 'Bidirectional',
        )!;
        const hostPath = (spec.volumes as Doc[]).find((v) => v.name === hostMount.name)!.hostPath
          .path as string;
        expect(path.startsWith(`${hostPath}/`)).toBe(true);
        const target = hostMount.mountPath + path.slice(hostPath.length);
        expect(publish.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
        expect(publish.command[2].split('\n')).toEqual(
          expect.arrayContaining(['set -eu', `mount --bind ${source.mountPath} ${target}`]),
        );
      });
    },
  );

  it('names data folders by variables their services read', () => {
    for (const service of STORING) {
      const configFolder = join(repositoryRoot(), 'apps', service.descriptor.name, 'src', 'config');
      const config = readdirSync(configFolder)
        .map((file) => readFileSync(join(configFolder, file), 'utf8'))
        .join('\n');
      for (const { variable } of service.storage!.folders) expect(config).toContain(`  ${variable}: z.`);
    }
  });

  it('fails on invalid manifests', () => {
    const documents = render(join(__dirname, 'fixtures', 'invalid'));
    const problems = documents.flatMap(schemaProblems);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^apps\/v1\/Deployment broken: .*containerPort/),
        expect.stringMatching(/^networking\.k8s\.io\/v1\/Ingress broken: .*pathType/),
        expect.stringMatching(/^k8s\.mariadb\.com\/v1alpha1\/User broken: .*passwordSecretKeyRef/),
        'example.com/v1/Widget broken: no schema for this kind',
      ]),
    );
  });
});

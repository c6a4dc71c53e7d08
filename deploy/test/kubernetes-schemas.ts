import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Service, ServiceAccount } from 'kubernetes-models/v1';
import { z } from 'zod';

type Validator = (document: Record<string, unknown>) => void;

/** A kubernetes-models class; its Model base type is not visible under our module resolution. */
function model(type: new (data: never) => object): Validator {
  return (document) => (new type(document as never) as { validate(): void }).validate();
}

const mariaDbRef = z.object({ name: z.string().min(1), namespace: z.string().optional() }).strict();
const secretKeyRef = z.object({
  name: z.string().min(1),
  key: z.string().min(1),
  generate: z.boolean().optional(),
});
const metadata = z.object({ name: z.string().min(1) }).passthrough();

/**
 * mariadb-operator publishes no schema package, so its resources are checked against the fields
 * these manifests use (strict: a misspelt field fails), with the operator's types.
 */
const mariadbSchemas: Record<string, z.ZodType> = {
  MariaDB: z.object({
    apiVersion: z.literal('k8s.mariadb.com/v1alpha1'),
    kind: z.literal('MariaDB'),
    metadata,
    spec: z
      .object({
        rootPasswordSecretKeyRef: secretKeyRef,
        replicas: z.number().int().positive(),
        galera: z.object({ enabled: z.boolean() }).strict().optional(),
        storage: z.object({ size: z.string() }).strict(),
        myCnf: z.string().optional(),
        resources: z.record(z.string(), z.record(z.string(), z.string())).optional(),
        metrics: z.object({ enabled: z.boolean() }).strict().optional(),
      })
      .strict(),
  }),
  Database: z.object({
    apiVersion: z.literal('k8s.mariadb.com/v1alpha1'),
    kind: z.literal('Database'),
    metadata,
    spec: z
      .object({ mariaDbRef, name: z.string().max(64), characterSet: z.string(), collate: z.string() })
      .strict(),
  }),
  User: z.object({
    apiVersion: z.literal('k8s.mariadb.com/v1alpha1'),
    kind: z.literal('User'),
    metadata,
    spec: z
      .object({
        mariaDbRef,
        name: z.string().max(80),
        host: z.string(),
        passwordSecretKeyRef: secretKeyRef,
        maxUserConnections: z.number().int().positive(),
      })
      .strict(),
  }),
  Grant: z.object({
    apiVersion: z.literal('k8s.mariadb.com/v1alpha1'),
    kind: z.literal('Grant'),
    metadata,
    spec: z
      .object({
        mariaDbRef,
        privileges: z.array(z.string()).min(1),
        database: z.string(),
        table: z.string(),
        username: z.string(),
        host: z.string(),
      })
      .strict(),
  }),
};

/** Kubernetes API schemas of a current release (kubernetes-models), by apiVersion and kind. */
const VALIDATORS: Record<string, Validator> = {
  'v1/ConfigMap': model(ConfigMap),
  'v1/Service': model(Service),
  'v1/ServiceAccount': model(ServiceAccount),
  'v1/PersistentVolumeClaim': model(PersistentVolumeClaim),
  'apps/v1/Deployment': model(Deployment),
  'apps/v1/DaemonSet': model(DaemonSet),
  'batch/v1/Job': model(Job),
  'autoscaling/v2/HorizontalPodAutoscaler': model(HorizontalPodAutoscaler),
  'policy/v1/PodDisruptionBudget': model(PodDisruptionBudget),
  'networking.k8s.io/v1/NetworkPolicy': model(NetworkPolicy),
  'networking.k8s.io/v1/Ingress': model(Ingress),
  'monitoring.coreos.com/v1/ServiceMonitor': model(ServiceMonitor),
  ...Object.fromEntries(
    Object.entries(mariadbSchemas).map(([kind, schema]) => [
      `k8s.mariadb.com/v1alpha1/${kind}`,
      (document: Record<string, unknown>) => {
        const result = schema.safeParse(document);
        if (!result.success) {
          throw new Error(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        }
      },
    ]),
  ),
};

/** Every problem with one document; a kind nobody can check is a problem too. */
export function schemaProblems(document: Record<string, unknown>): string[] {
  const key = `${String(document.apiVersion)}/${String(document.kind)}`;
  const name = (document.metadata as { name?: string } | undefined)?.name ?? '(no name)';
  const validate = VALIDATORS[key];
  if (!validate) return [`${key} ${name}: no schema for this kind`];
  try {
    validate(document);
    return [];
  } catch (error) {
    return [`${key} ${name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

#!/usr/bin/env bash
# Creates the Secrets the manifests reference, with random values, unless they exist: it never
# replaces one. Needs kubectl on the cluster and openssl; the token keys come from identity's
# `setup-keys`, run from the image (STRATUS_IMAGE=registry/stratus:tag) or from a local build.
#   deploy/k8s/create-secrets.sh [namespace (stratus)] [NATS namespace (nats)]
set -euo pipefail
ns=${1:-stratus}
nats_ns=${2:-nats}
# The services with a database (deploy/src/deployed-services.ts).
database_services=(identity image network block-storage object-storage compute-api)

random() { openssl rand -hex 24; }
exists() { kubectl -n "$1" get secret "$2" >/dev/null 2>&1; }

# create NAMESPACE NAME KEY=VALUE...; values travel through a pipe, not the command line.
create() {
  local namespace=$1 name=$2
  shift 2
  if exists "$namespace" "$name"; then
    echo "kept    $namespace/$name"
    return
  fi
  kubectl -n "$namespace" create secret generic "$name" --from-env-file=<(printf '%s\n' "$@") >/dev/null
  echo "created $namespace/$name"
}

kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
kubectl get namespace "$nats_ns" >/dev/null 2>&1 || kubectl create namespace "$nats_ns"

create "$ns" mariadb-root "password=$(random)"
for service in "${database_services[@]}"; do
  create "$ns" "stratus-$service-db" "password=$(random)"
done
create "$ns" stratus-identity-bootstrap "admin-password=$(random)"

# NATS: the server's copy of the password and the services' URL must agree.
if exists "$nats_ns" stratus-nats-auth || exists "$ns" stratus-nats; then
  exists "$nats_ns" stratus-nats-auth && exists "$ns" stratus-nats ||
    { echo "only one of $nats_ns/stratus-nats-auth and $ns/stratus-nats exists: delete it and rerun" >&2; exit 1; }
  echo "kept    $nats_ns/stratus-nats-auth and $ns/stratus-nats"
else
  nats_password=$(random)
  create "$nats_ns" stratus-nats-auth "password=$nats_password"
  create "$ns" stratus-nats "url=nats://stratus:$nats_password@nats.$nats_ns.svc:4222"
fi

if exists "$ns" stratus-token-keys; then
  echo "kept    $ns/stratus-token-keys"
elif [ -n "${STRATUS_IMAGE:-}" ]; then
  kubectl -n "$ns" run stratus-setup-keys --rm --attach --quiet --restart=Never \
    --image="$STRATUS_IMAGE" --env=APP=identity -- setup-keys --secret-json |
    kubectl -n "$ns" create -f - >/dev/null
  echo "created $ns/stratus-token-keys"
else
  node "$(dirname "$0")/../../dist/apps/identity/src/main.js" setup-keys --secret-json |
    kubectl -n "$ns" create -f - >/dev/null
  echo "created $ns/stratus-token-keys"
fi
echo "admin password: kubectl -n $ns get secret stratus-identity-bootstrap -o jsonpath='{.data.admin-password}' | base64 -d"

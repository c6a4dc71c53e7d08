# syntax=docker/dockerfile:1
# One image for every Stratus service; APP picks the one that runs (identity, image, network,
# scheduler, compute-agent, ...), and arguments go to it (`migrate`, `rotate-keys`, ...):
#   docker build -t stratus:0.1.0 .
#   docker run -e APP=identity stratus:0.1.0
#   docker run -e APP=identity stratus:0.1.0 migrate
# Node 20 on Debian bookworm, as CI runs it; pinned by digest, which `docker buildx imagetools
# inspect node:20.20.2-bookworm-slim` shows when the tag is moved to a newer patch release.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

FROM ${NODE_IMAGE} AS build
# bcrypt and better-sqlite3 build from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# qemu-img: block storage converts images into volumes, compute-agent makes instance disks;
# ip and dnsmasq: compute-agent plugs bridges and answers its guests' DHCP.
RUN apt-get update \
  && apt-get install -y --no-install-recommends qemu-utils iproute2 dnsmasq-base \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production APP=identity
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The base image's `node` user, by number so that Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 5000 9292 9696 8776 8080 8774
# exec: node is PID 1 and gets SIGTERM itself, which starts the graceful shutdown.
ENTRYPOINT ["/bin/sh", "-c", "exec node \"dist/apps/${APP}/src/main.js\" \"$@\"", "stratus"]

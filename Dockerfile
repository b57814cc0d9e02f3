# syntax=docker/dockerfile:1
# network-monitor exporter. Build with shell/build_image.sh (it labels the image
# with the git HEAD so shell/run_docker.sh knows when it is stale), run with
# shell/run_docker.sh or docker-compose.yml.

# Node 24 (active LTS; Node 20 reached end of life on 2026-04-30) on Debian
# slim, pinned to an exact release: 24.21.0 is the newest 24.x the npm registry
# lists (`npm view node versions`). shell/build_image.sh pulls this tag, builds
# from the digest it resolves to and prints it (and labels the image with it);
# append `@sha256:...` here to pin the bytes for good.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- build: every dependency (TypeScript and types), src -> dist -----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the install layer is reused until the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.page.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies only --------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# glibc malloc hands buffers above this size straight back to the kernel when
# they are freed. By default it raises the threshold after the first large
# free (up to 32 MB), after which the exposition's and the router replies'
# buffers come from malloc's heap and stay resident when freed: at 50k devices
# that heap held 113 MB against 23 MB with this setting, for the same poll
# CPU (docs/performance.md, "Memory"). shell/run.sh exports the same value and
# `npm run bench` reads it from here.
ENV MALLOC_MMAP_THRESHOLD_=131072
# /app mirrors the repository root, so relative paths in the config
# (data/state.json, configuration/...) mean the same as on bare metal.
WORKDIR /app
# Owned by root: the exporter can read its code but not change it.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# data/ is the only place the exporter writes (state.path defaults to
# data/state.json); configuration/ is where run_docker.sh and compose mount it.
RUN mkdir -p data configuration && chown node:node data
# The node user (uid 1000) ships with the base image.
USER node
VOLUME ["/app/data"]
EXPOSE 9847
# No curl/wget in slim images, so node checks itself. Any HTTP answer below 500
# means the server is serving (401 when basic auth protects every path); a
# server with TLS from the web config file is tried over https, unverified.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const port = (process.env.NETMON_LISTEN || '').split(':').pop() || '9847'; const opts = { host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false }; const done = (res) => process.exit(res.statusCode < 500 ? 0 : 1); require('node:http').get(opts, done).on('error', () => require('node:https').get(opts, done).on('error', () => process.exit(1)));"]
# V8's young generation, capped at 8 MB per semi-space (`--max-semi-space-size`, in MiB:
# Node's CLI docs, and `node --v8-options`). Node 24's V8 sizes it from the machine's
# memory (up to 64 MB per semi-space here: `--scavenger-max-new-space-capacity-mb=32`,
# doubled without pointer compression, as node builds; Node 20 stopped at 16), and the
# pages it gives back after the first poll of a large LAN stay resident in V8's page
# pool until a memory-reducing GC. At 50k devices, Node 24: peak RSS of serve after
# polls 398 -> 341 MB and 397 -> 356 MB (two sets of interleaved runs), poll CPU
# 304 -> 271 ms (10k: 49.7 -> 46.3 ms), medians (docs/performance.md, "Memory and
# serving"). shell/run.sh and
# `npm start` pass the same, and `npm run bench` reads it from here.
ENTRYPOINT ["node", "--max-semi-space-size=8", "dist/cli.js"]
CMD ["serve"]

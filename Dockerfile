# One image for the three Omnia roles: operator, facade, runtime. The role is the first argument:
#
#   docker build -t omnia .                                 # all roles; pick one with the command
#   docker run omnia operator | facade | runtime
#   docker build --target facade  -t omnia-facade .         # the same layers with CMD ["facade"]
#   docker build --target runtime -t omnia-runtime .
#
# The TypeScript entries are bundled at build time with esbuild (a devDependency, only in the build
# stage): our own code becomes one ESM file per role, npm packages stay external and come from
# `npm ci --omit=dev`. So no TypeScript loader (tsx) runs in the image, and nothing is written at run
# time, which keeps a read-only root filesystem working.
# No secrets are baked in: configuration comes from OMNIA_* environment variables at run time.
# No HEALTHCHECK: Kubernetes probes (facade :8081, runtime :9001) do that job.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY shared ./shared
COPY operator ./operator
COPY facade ./facade
COPY runtime ./runtime
# The role entries; deploy/image/entrypoint.sh runs dist/<entry>.js.
# --ignore-scripts: no install hooks run (the `node` devDependency's download among them), so esbuild
# is called through node from the image, not through node_modules/.bin.
RUN node node_modules/esbuild/bin/esbuild operator/main.ts facade/node/main.ts runtime/main.ts \
      --bundle --platform=node --format=esm --target=node24 --packages=external \
      --sourcemap --outbase=. --outdir=dist
# The edge Worker, bundled for workerd by the same function the tests use: the operator uploads it
# to Cloudflare for an edge facade with Cloudflare credentials (OMNIA_EDGE_WORKER_BUNDLE names it).
COPY deploy/edge ./deploy/edge
COPY deploy/local ./deploy/local
RUN mkdir -p dist && node --import tsx deploy/edge/bundle-worker.ts dist/edge-worker.js

FROM node:24-slim AS omnia
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY --chmod=0755 deploy/image/entrypoint.sh /usr/local/bin/omnia-entrypoint
# Numeric, so runAsNonRoot can verify it; the same uid/gid as the operator's agent pods.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/omnia-entrypoint"]

FROM omnia AS operator
CMD ["operator"]

FROM omnia AS facade
CMD ["facade"]

FROM omnia AS runtime
CMD ["runtime"]

# The default target: the role comes from the command.
FROM omnia

# Build and runtime image for the api and worker services in docker-compose.yml.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json \
  && npx tsc -p web/tsconfig.json --noEmit \
  && npx vite build --config web/vite.config.mts \
  && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# pg_dump/pg_restore for the scheduled backups: Debian bookworm's client is 15, the
# same major as the compose topology's server (pg_dump refuses a newer server).
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/claimflow/backups && chown -R node:node /var/lib/claimflow
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
CMD ["node", "dist/api/main.js"]

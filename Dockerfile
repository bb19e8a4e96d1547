# offerline: build with the dev toolchain, run on a slim image as a non-root user.
# Node 26 is the current LTS line; better-sqlite3 and cld (CLD2) compile their native addons in the build stage.
FROM node:26-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:26-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_PATH=/app/data/offerline.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY content ./content
COPY intents ./intents
COPY config ./config
COPY public ./public
# /app/backups is where to mount a volume on another disk for BACKUP_DIR; made here so the node user can write it.
RUN mkdir -p /app/data /app/backups && chown node:node /app/data /app/backups
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Stop with SIGTERM: turns in flight finish, then the process exits.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]

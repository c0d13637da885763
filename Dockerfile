# toolhost host image: build with the dev toolchain, run with production dependencies only,
# as an unprivileged user. `docker compose up` builds it (see docker-compose.yml).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY plugin-sdk/package.json plugin-sdk/
COPY registry/package.json registry/
COPY host/package.json host/
COPY host/bin host/bin
COPY plugins/rag/package.json plugins/rag/
COPY plugins/memory/package.json plugins/memory/
COPY plugins/escalation/package.json plugins/escalation/
COPY plugins/crm/package.json plugins/crm/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
# bubblewrap confines plugins with `isolation: process` (TOOLHOST_PROCESS_SANDBOX=bwrap).
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --uid 10001 --user-group --home-dir /var/lib/toolhost toolhost \
  && mkdir -p /var/lib/toolhost \
  && chown toolhost:toolhost /var/lib/toolhost
WORKDIR /app
COPY --from=build /app /app
# The code stays root's; only what the host writes is the toolhost user's: manifests (admin
# enable/disable), plugins/installed (registry installs) and the data dir.
RUN mkdir -p /app/plugins/installed && chown -R toolhost:toolhost /app/manifests /app/plugins/installed
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    TOOLHOST_DATA_DIR=/var/lib/toolhost
USER toolhost
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "host/dist/cli/main.js", "start"]

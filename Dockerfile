# iam-bot: a multi-stage image. The build stage compiles TypeScript; the runtime stage holds only dist/ and the
# production dependencies, runs as the unprivileged `node` user under tini (signals reach the bot, zombies
# are reaped), and keeps the embedded store on the /data volume.
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:22-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    IAM_BOT_DATA_DIR=/data \
    IAM_BOT_POLICY=/config/policy.yml \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY examples ./examples
COPY manifest.yml LICENSE README.md ./
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# HTTP mode serves /healthz on PORT next to /slack/events.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/iam-bot.js"]
CMD ["start"]

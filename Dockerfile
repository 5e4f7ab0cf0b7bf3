# CryptoCrawler services (collector, analytics, setup): one image, the command picks the service.
# Multi-stage: dependencies are installed in a full image, the runtime image is slim and non-root.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# tsx is a runtime dependency (TypeScript runs without a build step); dev tools are left out.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY collectors ./collectors
COPY analytics ./analytics
COPY grafana/src ./grafana/src
COPY config.yaml ./config.yaml
RUN mkdir -p /app/.cryptocrawler && chown -R node:node /app/.cryptocrawler
USER node
EXPOSE 9464 9465
ENTRYPOINT ["node", "bin/cryptocrawler.js"]
CMD ["--help"]

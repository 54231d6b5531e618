# One image for the gateway, the hub and the simulator; the compose file picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY contracts contracts
COPY config config
COPY common common
COPY gateway gateway
COPY hub hub
COPY device-sim device-sim
COPY infra infra
RUN npm run build && cp hub/web/index.html hub/web/console.css dist/hub/web/ && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production APP_ENV=production
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 1883 8083 8883 8884 8080 9464
CMD ["node", "dist/gateway/main.js"]

# Production images for the engine and the relayer (see README "Containers").
#   docker build --target engine  -t xmargin-engine .
#   docker build --target relayer -t xmargin-relayer .
# Both run the compiled `dist/main.js` with plain node (no tsx at run time).

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0
RUN corepack enable
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && pnpm install --frozen-lockfile --prod --offline

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/pnpm-workspace.yaml ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
USER node

FROM runtime AS engine
COPY --from=build --chown=node /app/apps/engine ./apps/engine
WORKDIR /app/apps/engine
EXPOSE 8080
# exec form: node is PID 1 and receives SIGTERM directly (graceful shutdown).
CMD ["node", "--max-semi-space-size=64", "dist/main.js", "--role", "all"]

FROM runtime AS relayer
COPY --from=build --chown=node /app/apps/relayer ./apps/relayer
WORKDIR /app/apps/relayer
EXPOSE 9465
CMD ["node", "dist/main.js"]

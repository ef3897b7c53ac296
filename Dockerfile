# kedge server in a container.
#
#   docker build -t kedge .
#   docker run -d --name kedge -p 6443:6443 -p 8883:8883 -v kedge:/var/lib/kedge kedge --tls-san HOST
#
# The server's join token is in the volume: docker exec kedge cat /var/lib/kedge/server/token
# Extra arguments are `kedge server` flags. The container runs the control plane only
# (KEDGE_DISABLE_AGENT=true): containers need containerd on a real host, so nodes join it, each
# with install.sh or with an agent container that uses the host's containerd:
#
#   docker run -d --name kedge-agent --privileged --network host --pid host \
#     -v /run/containerd/containerd.sock:/run/containerd/containerd.sock \
#     -v /var/lib/kedge/agent:/var/lib/kedge/agent \
#     -e KEDGE_URL=https://SERVER:6443 -e KEDGE_TOKEN=K10... \
#     --entrypoint kedge kedge agent --containerd-address /run/containerd/containerd.sock
#
# The agent's data dir is mounted at the same path on the host, because the host's containerd
# writes the container logs kedge names there; --network host because pods use host networking.

# 1. The single executable, built by the same commands CI runs.
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its addon when no prebuilt one fits; strip (binutils) makes the binary smaller.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && cp "dist/kedge-linux-$(node -p '({x64:"amd64",arm64:"arm64",arm:"arm"})[process.arch]')" /kedge

# 2. ctr, the containerd client an agent container drives the host's containerd with.
FROM debian:bookworm-slim AS ctr
RUN apt-get update \
    && apt-get install -y --no-install-recommends containerd \
    && rm -rf /var/lib/apt/lists/*

# 3. The image: the executable carries Node.js, so a slim Debian is all it needs.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /kedge /usr/local/bin/kedge
COPY --from=ctr /usr/bin/ctr /usr/local/bin/ctr
ENV KEDGE_DISABLE_AGENT=true
VOLUME /var/lib/kedge
EXPOSE 6443 8883
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsk "https://127.0.0.1:${KEDGE_HTTPS_PORT:-6443}/readyz" || exit 1
ENTRYPOINT ["kedge", "server"]

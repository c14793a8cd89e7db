# ClouDO container image: the Azure Functions host for Node 22 with ClouDO, its runbooks and their tools.
# The same image runs on Azure (Functions on Container Apps, App Service), in `docker compose up` on Azurite, and on
# Kubernetes (deploy/kubernetes/). The host listens on port 80 and loads the app from /home/site/wwwroot.
#
# Build: docker build -t cloudo:0.1.0 .   (pin the kubectl and kubelogin sums with --build-arg, see below)

# ---- build: compile TypeScript, and install the production dependencies apart ----
FROM node:22.23.4-bookworm-slim AS build
WORKDIR /build

# Production dependencies first, in their own folder: this layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
RUN mkdir /prod \
    && cp package.json package-lock.json /prod/ \
    && cd /prod \
    && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force

# --ignore-scripts: `prepare` builds, and the sources are not here yet; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
# The code reads host.json's route prefix and package.json's version at build time.
COPY tsconfig.json tsconfig.build.json host.json ./
COPY functions ./functions
COPY src ./src
COPY console ./console
RUN npm run build

# ---- runtime: the official Azure Functions host image for Node 22 ----
# `4-node22` is the tag Microsoft documents for the v4 host on Node 22 (Debian 12 "bookworm", linux/amd64 only).
# It floats with host releases; for byte-for-byte rebuilds pin it by digest: FROM ...:4-node22@sha256:<digest>
# (docker buildx imagetools inspect mcr.microsoft.com/azure-functions/node:4-node22).
FROM mcr.microsoft.com/azure-functions/node:4-node22 AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# What runbooks use: bash, python3, jq, curl, and the Azure CLI from Microsoft's apt repository.
# The Debian packages follow the base image's release (bookworm: python3 3.11, jq 1.6, curl 7.88) with its security
# updates; exact Debian revisions are not pinned because the mirrors drop them when a fix ships.
ARG AZURE_CLI_VERSION=2.90.0
RUN apt-get update \
    && apt-get install -y --no-install-recommends bash ca-certificates curl jq python3 \
    && install -d -m 0755 /etc/apt/keyrings \
    && curl -fsSL https://packages.microsoft.com/keys/microsoft.asc -o /etc/apt/keyrings/microsoft.asc \
    && echo "deb [arch=amd64 signed-by=/etc/apt/keyrings/microsoft.asc] https://packages.microsoft.com/repos/azure-cli/ bookworm main" \
        > /etc/apt/sources.list.d/azure-cli.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends "azure-cli=${AZURE_CLI_VERSION}-1~bookworm" \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

# kubectl and kubelogin (AKS Entra ID sign-in): pinned release binaries, each checked against a SHA-256 sum.
# Pin the sums for reproducible, tamper-evident builds:
#   --build-arg KUBECTL_SHA256=...    (https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl.sha256)
#   --build-arg KUBELOGIN_SHA256=...  (kubelogin-linux-amd64.zip.sha256 of https://github.com/Azure/kubelogin/releases)
# Left empty, the build checks against the sum its project publishes beside the binary (as kubectl's install guide
# does), so `docker compose up` works out of the box; that catches corruption, a pinned sum also catches tampering.
# The image is linux/amd64 only, like its base.
ARG KUBECTL_VERSION=v1.36.4
ARG KUBECTL_SHA256=
ARG KUBELOGIN_VERSION=v0.2.19
ARG KUBELOGIN_SHA256=
RUN kubectl_url="https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/amd64/kubectl" \
    && kubelogin_url="https://github.com/Azure/kubelogin/releases/download/${KUBELOGIN_VERSION}/kubelogin-linux-amd64.zip" \
    && kubectl_sum="${KUBECTL_SHA256:-$(curl -fsSL "${kubectl_url}.sha256")}" \
    && kubelogin_sum="${KUBELOGIN_SHA256:-$(curl -fsSL "${kubelogin_url}.sha256" | cut -d ' ' -f 1)}" \
    && test -n "${kubectl_sum}" && test -n "${kubelogin_sum}" \
    && curl -fsSL -o /tmp/kubectl "${kubectl_url}" \
    && echo "${kubectl_sum}  /tmp/kubectl" | sha256sum -c - \
    && install -m 0755 /tmp/kubectl /usr/local/bin/kubectl \
    && curl -fsSL -o /tmp/kubelogin.zip "${kubelogin_url}" \
    && echo "${kubelogin_sum}  /tmp/kubelogin.zip" | sha256sum -c - \
    && python3 -m zipfile -e /tmp/kubelogin.zip /tmp/kubelogin \
    && install -m 0755 /tmp/kubelogin/bin/linux_amd64/kubelogin /usr/local/bin/kubelogin \
    && rm -rf /tmp/kubectl /tmp/kubelogin /tmp/kubelogin.zip \
    && kubectl version --client \
    && kubelogin --version

# Runbooks run as this user, never as root: it cannot read the host's environment (/proc/<pid>/environ, where the
# app settings and secrets are) nor write the app. A fixed id, no login shell, no home of its own (each run gets a
# private HOME); the host stays root, which switching users needs (docs/security.md).
RUN groupadd --system --gid 10001 cloudo-runbook \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin cloudo-runbook

# The host runs the app from /home/site/wwwroot; ClouDO resolves relative directories against the working
# directory, so the runbook and schema folders are given absolutely.
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    CLOUDO_RUNBOOKS_DIR=/home/site/wwwroot/runbooks \
    CLOUDO_SCHEMAS_DIR=/home/site/wwwroot/schemas \
    CLOUDO_RUNBOOK_USER=cloudo-runbook
WORKDIR /home/site/wwwroot

COPY host.json package.json ./
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY schemas ./schemas
COPY runbooks ./runbooks
# Runbooks stay executable whatever the build context's file modes (e.g. a Windows checkout). The app's files are
# root's (COPY's default owner), readable by the runbook user but writable by root alone.
RUN find runbooks -type f \( -name '*.sh' -o -name '*.py' \) -exec chmod 0755 {} + \
    && chown -R root:root /home/site/wwwroot \
    && chmod -R go-w,a+rX /home/site/wwwroot

EXPOSE 80
# CMD comes from the base image: it starts the Functions host.

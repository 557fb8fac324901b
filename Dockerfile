# Multi-stage build for CI systems with Docker: the build step is
# `make build`, the runtime image holds the static binary only and runs as a
# non-root user. `make image` builds the same runtime from a local binary
# with buildah or podman, without a registry (deploy/image/Containerfile).
#
#   docker build --build-arg VERSION=$(git describe --tags --always) \
#     --build-arg COMMIT=$(git rev-parse --short=12 HEAD) -t burnwatch .
FROM golang:1.26-bookworm AS build
ARG VERSION=unknown
ARG COMMIT=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build BIN=/out/burnwatch VERSION="$VERSION" COMMIT="$COMMIT" && mkdir -m 0700 /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=unknown
ARG COMMIT=unknown
LABEL org.opencontainers.image.title="burnwatch" \
      org.opencontainers.image.source="https://github.com/burnwatch/burnwatch" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"
COPY --from=build /out/burnwatch /usr/local/bin/burnwatch
# The non-root user of the distroless image is 65532, as in `make image`.
COPY --from=build --chown=65532:65532 /out/data /var/lib/burnwatch
ENV BURNWATCH_LISTEN_ADDRESS=0.0.0.0:8080 \
    BURNWATCH_DATA_DIR=/var/lib/burnwatch
USER 65532:65532
WORKDIR /var/lib/burnwatch
VOLUME /var/lib/burnwatch
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/burnwatch"]
CMD ["run", "--config", "/etc/burnwatch/burnwatch.yaml"]

# Multi-stage build: the build step is `make build`, the runtime image holds
# the static binary only and runs as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build BIN=/out/burnwatch

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/burnwatch /usr/local/bin/burnwatch
COPY specs /etc/burnwatch/specs
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["burnwatch"]
CMD ["validate", "/etc/burnwatch/specs"]

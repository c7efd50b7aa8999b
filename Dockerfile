# Build: the Go toolchain and libmp3lame headers, for the cgo encoder.
FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libmp3lame-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags='-s -w' -o /out/ecouter ./cmd/ecouter

# Run: espeak-ng and the lame shared library on a slim Debian, as non-root.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng libmp3lame0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --create-home ecouter \
    && mkdir /nats && chown ecouter /nats
COPY --from=build /out/ecouter /usr/local/bin/ecouter
USER ecouter
WORKDIR /data
# The embedded NATS (the render queue, leases) beside the store.
ENV ECOUTER_ADDR=:8080 ECOUTER_STORE=/data ECOUTER_NATS_DIR=/nats
VOLUME ["/data", "/nats"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["ecouter", "health"]
ENTRYPOINT ["ecouter"]
CMD ["serve"]

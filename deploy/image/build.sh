#!/usr/bin/env bash
# Builds the burnwatch runtime image from a static binary with Debian's
# buildah (or podman build): FROM scratch, so no registry and no Docker
# daemon are needed.
#
#   deploy/image/build.sh BINARY IMAGE [VERSION COMMIT]
#
# The context is staged in a temporary directory: the binary, the host's CA
# certificates, /etc/passwd and /etc/group naming the non-root user 65532,
# and the empty state directory that becomes the volume.
set -euo pipefail

bin=${1:?usage: build.sh BINARY IMAGE [VERSION COMMIT]}
image=${2:?usage: build.sh BINARY IMAGE [VERSION COMMIT]}
version=${3:-unknown}
commit=${4:-unknown}
here=$(cd "$(dirname "$0")" && pwd)
certs=${CA_CERTIFICATES:-/etc/ssl/certs/ca-certificates.crt}

[ -x "$bin" ] || { echo "build.sh: $bin is not an executable (run make build)" >&2; exit 1; }
[ -s "$certs" ] || { echo "build.sh: no CA certificates at $certs (apt-get install ca-certificates)" >&2; exit 1; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
root=$ctx/rootfs
mkdir -p "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/etc/burnwatch" "$ctx/data"
install -m 0755 "$bin" "$root/usr/local/bin/burnwatch"
install -m 0644 "$certs" "$root/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nburnwatch:x:65532:65532:burnwatch:/var/lib/burnwatch:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nburnwatch:x:65532:\n' >"$root/etc/group"
chmod 0644 "$root/etc/passwd" "$root/etc/group"
chmod 0700 "$ctx/data"
cp "$here/Containerfile" "$ctx/Containerfile"

args=(--file "$ctx/Containerfile" --tag "$image" --build-arg "VERSION=$version" --build-arg "COMMIT=$commit")
if command -v buildah >/dev/null 2>&1; then
  # Store the image where podman, which runs it, looks: with podman's
  # storage driver (its database keeps the one it started with), unless
  # STORAGE_DRIVER says otherwise.
  driver=${STORAGE_DRIVER:-}
  if [ -z "$driver" ] && command -v podman >/dev/null 2>&1; then
    driver=$(podman info --format '{{.Store.GraphDriverName}}')
  fi
  # The Containerfile has no RUN step; chroot isolation needs no user
  # namespace, for hosts that allow none.
  buildah ${driver:+--storage-driver "$driver"} bud --isolation chroot "${args[@]}" "$ctx"
elif command -v podman >/dev/null 2>&1; then
  podman build "${args[@]}" "$ctx"
else
  echo "build.sh: neither buildah nor podman is installed (apt-get install buildah podman)" >&2
  exit 1
fi

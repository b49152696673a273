#!/usr/bin/env bash
# Installs what this machine lacks for calico-dcos's demo or tests, from the Debian/Ubuntu archive,
# saying what it installs. It installs only as root or with passwordless sudo; otherwise it names
# the packages in one line and exits 1. The README's first command runs `install-deps.sh demo`,
# .ci/run runs `install-deps.sh tests`: one install path, proven by CI on every run.
#
#   scripts/install-deps.sh [--dry-run] demo    etcd (etcd-server) and GNU tar
#   scripts/install-deps.sh [--dry-run] tests   the demo's, and etcdctl, dockerd, busybox, openssl, systemd-analyze,
#                                               chromium and chromedriver
#
# --dry-run says what it would install and installs nothing. The JDK 17 the build needs is not its
# business. Exit: 0 nothing missing (any more), 1 missing and not installed, 2 bad usage.
set -euo pipefail

usage() {
  echo "usage: install-deps.sh [--dry-run] demo|tests" >&2
  exit 2
}

dry_run=false
mode=""
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    demo | tests) [ -z "$mode" ] || usage; mode=$arg ;;
    *) usage ;;
  esac
done
[ -n "$mode" ] || usage

have() { command -v "$1" >/dev/null 2>&1; }
# Daemons live in sbin, which a user's PATH may lack.
have_daemon() { have "$1" || [ -x "/usr/sbin/$1" ]; }
gnu_tar() {
  local version
  version=$(tar --version 2>/dev/null) && [[ $version == *"GNU tar"* ]]
}

# Fills `missing` with the packages that bring what the mode needs and this machine lacks.
find_missing() {
  missing=()
  have etcd || missing+=(etcd-server)
  gnu_tar || missing+=(tar)
  if [ "$mode" = tests ]; then
    have etcdctl || missing+=(etcd-client)
    have_daemon dockerd || missing+=(docker.io)
    have busybox || [ -x /bin/busybox ] || missing+=(busybox-static)
    have openssl || missing+=(openssl)
    have systemd-analyze || missing+=(systemd)
    # The status page's browser tests: headless Chromium and its driver, nothing downloaded.
    have chromium || missing+=(chromium)
    have chromedriver || missing+=(chromium-driver)
  fi
}

find_missing
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: nothing to install for the $mode"
  exit 0
fi
packages="${missing[*]}"

if ! have apt-get; then
  echo "install-deps: the $mode needs what the Debian/Ubuntu packages $packages bring, and there is no apt-get here: install it yourself" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as_root=()
  how="as root"
elif have sudo && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
  how="with sudo"
else
  echo "install-deps: the $mode needs the package(s) $packages: sudo apt-get install $packages (this script installs only as root or with passwordless sudo)" >&2
  exit 1
fi

if $dry_run; then
  echo "install-deps: would install $packages for the $mode (apt-get, $how)"
  exit 0
fi
echo "install-deps: installing $packages for the $mode (apt-get, $how)"
# apt-get and dpkg run helpers (gpgv, ldconfig, ...) from PATH: give them the system's folders too.
apt=(env "PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" DEBIAN_FRONTEND=noninteractive "$(command -v apt-get)")
${as_root[@]+"${as_root[@]}"} "${apt[@]}" update -qq
${as_root[@]+"${as_root[@]}"} "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

find_missing
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installed, but still not on PATH ($PATH): what ${missing[*]} should bring" >&2
  exit 1
fi

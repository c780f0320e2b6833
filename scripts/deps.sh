#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages omg needs to build, test and benchmark; a no-op when present.
# This is the one list of dependencies: the Makefile calls it before building.
set -eu

PKGS="build-essential pkg-config clang
libalpm-dev pacman-package-manager makepkg libarchive-dev libarchive-tools libssl-dev openssl ca-certificates zstd
libapt-pkg-dev apt-utils dpkg-dev
liblmdb-dev libgpgme-dev gnupg libcjson-dev libcurl4-openssl-dev libncurses-dev libinih-dev
libcmocka-dev python3-pytest python3-pytest-xdist python3-pyte python3-jsonschema tmux hyperfine debsecan zlib1g-dev
zsh fish man-db systemd"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "omg: missing Debian packages:$missing" >&2
	echo "omg: run 'sudo $0' (or install them with apt-get) and try again" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing

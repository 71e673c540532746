#!/bin/sh
# debian-oci-profiles.sh DIR: put Docker's and containers/common's seccomp
# profiles, as Debian ships them, into DIR/docker.json and
# DIR/containers.json, and print their paths.  They come from the packages'
# .deb files (apt-get download, unpacked with dpkg-deb: nothing is
# installed, none of their dependencies is pulled in), so the importer's
# differential test reads the real files without committing them.  Kept in
# DIR once fetched.  Exits 1, saying why on stderr, when apt cannot get them.
set -eu
dir=$1
mkdir -p "$dir"
fetch() { # PKG PATH-IN-PACKAGE NAME
	[ -s "$dir/$3" ] && return 0
	tmp=$(mktemp -d)
	# apt's sandbox user must be able to write where it downloads
	chmod 0777 "$tmp"
	if ! (cd "$tmp" && apt-get download -q "$1" >/dev/null 2>"$tmp/err"); then
		echo "apt-get download $1 failed: $(tail -n 1 "$tmp/err")" >&2
		rm -rf "$tmp"
		return 1
	fi
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	cp "$tmp/x$2" "$dir/$3.tmp" && mv "$dir/$3.tmp" "$dir/$3"
	dpkg-deb -f "$tmp"/*.deb Package Version | sed 's/^[A-Za-z]*: //' | paste -sd ' ' >"$dir/$3.from"
	rm -rf "$tmp"
}
fetch golang-github-docker-docker-dev \
	/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json docker.json
fetch golang-github-containers-common /usr/share/containers/seccomp.json containers.json
echo "$dir/docker.json $dir/containers.json"

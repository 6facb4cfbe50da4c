#!/usr/bin/env bash
# Installs the Debian packages the station needs (fonts, GL and Qt runtime libraries, speech, Node for
# the FHIR engine the sync tests use),
# when it can; otherwise says exactly which are missing. Never fails the build for a missing one:
# the test that needs it says so.
set -u
pkgs=(fonts-noto-cjk libegl1 libgl1 libglib2.0-0 libxkbcommon0 libfontconfig1 libdbus-1-3
      speech-dispatcher poppler-utils openssl
      gcc linux-libc-dev)  # gcc + kernel headers: python-evdev builds its extension from source
# Node (20.19 or newer) runs Medplum's FHIR engine for the sync tests; Debian 13 ships one, Debian 12's is too old.
command -v node >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/system-deps.log 2>&1 \
    || { echo "system-deps: apt-get failed, see /tmp/system-deps.log; missing: ${missing[*]}" >&2; exit 0; }
else
  echo "system-deps: not root or not Debian; please install: ${missing[*]}" >&2
  echo "system-deps: without them Chinese text, Qt screens or speech may not work." >&2
fi

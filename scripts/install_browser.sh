#!/usr/bin/env bash
# Debian's Chromium and CJK fonts, for the report (kaleido draws charts in Chromium, typst embeds
# Noto CJK: `make run` needs them) and the browser test (Playwright drives /usr/bin/chromium), and poppler-utils for
# the report tests (pdftotext, pdffonts, pdftoppm); PostgreSQL for the deployment tests.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# PostgreSQL's server binaries for the shared-catalog tests (tests/services.py starts one)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing ${need[*]} from Debian's packages" >&2
# Another apt (an unattended upgrade, a second `make`) may hold dpkg's lock: wait for it.
WAIT=(-o DPkg::Lock::Timeout=600)
$SUDO apt-get "${WAIT[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${WAIT[@]}" install -y -qq --no-install-recommends \
    "${need[@]}" fontconfig >/dev/null

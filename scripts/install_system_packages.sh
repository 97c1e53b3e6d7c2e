#!/usr/bin/env bash
# Debian packages the archive and its tests use: PostgreSQL (server and client tools; ensure_postgres.sh
# starts a cluster), Java 17 and Maven (real OpenSearch nodes from Maven Central's jars, docs/scale.md), Chromium and a CJK font for the browser
# tests, Tesseract for OCR of scans, LibreOffice Writer (headless, ~260 MB) to convert .doc/.wps,
# wrk for the benchmark's throughput (a C load generator: a Python one would take the CPU it measures).
# Installed only when missing and only when running as root.
set -euo pipefail
packages=(postgresql openjdk-17-jdk-headless maven chromium fonts-wqy-microhei tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui wrk)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present."
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed."

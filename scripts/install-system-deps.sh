#!/usr/bin/env bash
# Install the Debian packages reportgen needs, only those that are missing.
#   libpango / libpangoft2   WeasyPrint's text layout
#   libharfbuzz-subset0      fast font subsetting in WeasyPrint
#   fonts-liberation2        Liberation Sans, metric-compatible with Arial
#   fonts-dejavu-core        fallback glyphs (e.g. the tick mark)
#   fonts-noto-color-emoji   emoji typed into cells
#   poppler-utils, qpdf      pdftoppm/pdftotext/qpdf for checking output
#   libreoffice-writer       soffice --headless: the tests convert the .docx to PDF
#   chromium                 the browser the tests of `reportgen serve`/`preview` drive
#   npm (if no npm)          fetches axe-core for those tests (tests/.axe, git-ignored)
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2
          fonts-dejavu-core fonts-noto-color-emoji poppler-utils qpdf libreoffice-writer
          chromium)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Please install these system packages: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null

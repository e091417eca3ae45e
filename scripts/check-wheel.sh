#!/usr/bin/env bash
# Prove the wheel (make test runs this after pytest): build it, install it into a fresh
# virtual environment outside the checkout, and build the bundled example there, as a
# user with only Python and the system libraries would.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/reportgen-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT

# pip's notes about this machine's unused local package folders are not news.
quiet_pip() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
quiet_pip "$here/.venv/bin/pip" wheel --quiet --no-deps --wheel-dir "$work/dist" "$here"
wheel=$(ls "$work"/dist/nhs_reportgen-*.whl)
"$python" -m venv "$work/venv"
quiet_pip "$work/venv/bin/pip" install --quiet "$wheel"
cd "$work"  # nothing of the checkout is on the path here
"$work/venv/bin/reportgen" --version
# The web pages' templates and assets ship too (reportgen serve / preview).
"$work/venv/bin/python" -c "from reportgen.render.environment import BUILTIN_TEMPLATES as t
for name in ('base.html', 'job.html', 'preview.html', 'service.css', 'service.js', 'preview.js'):
    assert (t / 'web' / name).is_file(), name
import reportgen.web.app, reportgen.web.preview"
"$work/venv/bin/reportgen" --quiet demo "$work/demo"
"$work/venv/bin/reportgen" check --quiet "$work"/demo/*.pdf
for name in organisational-development-framework-update-2018-2019.pdf \
            governing-body-meeting-2018-11-14-public.pdf \
            governing-body-meeting-2018-11-14-private.pdf; do
  test -s "$work/demo/$name" || { echo "check-wheel: $name was not built" >&2; exit 1; }
done
echo "check-wheel: $(basename "$wheel") installs and builds the example outside the checkout"

#!/usr/bin/env bash
# Install the whole mmpose_ext stack into the current Python environment:
# torch + torchvision, mmengine, mmcv (built with its CPU ops), mmdet, mmpose, openmim,
# xtcocotools (built against the installed numpy), pycocotools, the test tools and
# mmpose_ext itself (editable).
#
#   bash tools/install.sh             # uses `python` on PATH
#   PYTHON=/path/to/python bash tools/install.sh
#
# Safe to run again: every step that is already satisfied is skipped, so a second run
# finishes in well under two minutes. The first run builds mmcv 2.1.0 from source
# (about 8 minutes on 2 cores); pip caches the built wheel for later installs.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
export PIP_ROOT_USER_ACTION=ignore
PIP=("$PYTHON" -m pip install --disable-pip-version-check)
REQ=requirements

step() { printf '\n[install] %s\n' "$*"; }
pin() { grep -E "^$1==" "$REQ/mminstall.txt"; }
python_ok() { "$PYTHON" -c "$1" >/dev/null 2>&1; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "[install] error: no Python interpreter '$PYTHON' found; set PYTHON=/path/to/python." >&2
    exit 1
fi
step "Python: $("$PYTHON" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

step "build tools (setuptools>=77,<81, wheel)"
"${PIP[@]}" -q -r "$REQ/build.txt"

step "torch + torchvision (registry build, not the local +cpu wheel)"
"${PIP[@]}" -q -r "$REQ/torch.txt"

step "mmengine and the runtime dependencies of mmpose / mmdet / openmim"
"${PIP[@]}" -q "$(pin mmengine)" -r "$REQ/runtime.txt" -r "$REQ/tests.txt"

MMCV_PIN=$(pin mmcv)
MMCV_VERSION=${MMCV_PIN#mmcv==}
if python_ok "import mmcv, mmcv.ops; assert mmcv.__version__ == '$MMCV_VERSION'"; then
    step "mmcv $MMCV_VERSION with ops: already installed"
else
    step "mmcv $MMCV_VERSION built from source with its CPU ops (about 8 minutes the first time)"
    MMCV_WITH_OPS=1 FORCE_CUDA=0 "${PIP[@]}" --no-build-isolation "$MMCV_PIN"
    if ! python_ok "import mmcv.ops"; then
        echo "[install] error: mmcv was installed but 'import mmcv.ops' fails: its compiled ops do" \
             "not match the installed torch. Remove the cached wheel ('$PYTHON -m pip cache remove mmcv')" \
             "and run this script again." >&2
        exit 1
    fi
fi

step "mmdet, mmpose, openmim without their declared dependencies"
"${PIP[@]}" -q --no-deps "$(pin mmdet)" "$(pin mmpose)" "$(pin openmim)"

if python_ok "from xtcocotools.coco import COCO; from xtcocotools.cocoeval import COCOeval"; then
    step "xtcocotools: already installed and importable"
else
    step "xtcocotools built from source against the installed numpy"
    "${PIP[@]}" -q --force-reinstall --no-deps --no-binary xtcocotools "xtcocotools>=1.12"
fi

step "mmpose_ext (editable)"
HERE=$(pwd -P)
if (cd / && "$PYTHON" -c "import mmpose_ext, os, sys; sys.exit(os.path.realpath(os.path.dirname(mmpose_ext.__file__)) != sys.argv[1])" "$HERE/mmpose_ext" >/dev/null 2>&1); then
    echo "already installed from $(pwd)"
else
    "${PIP[@]}" -q --no-deps --no-build-isolation -e .
fi

step "checking the stack"
"$PYTHON" - <<'PY'
import mmcv, mmcv.ops, mmdet, mmengine, mmpose, torch, torchvision
import mmpose_ext
from xtcocotools.coco import COCO  # noqa: F401
print(f'torch {torch.__version__}, torchvision {torchvision.__version__}, '
      f'mmengine {mmengine.__version__}, mmcv {mmcv.__version__}, '
      f'mmdet {mmdet.__version__}, mmpose {mmpose.__version__}, '
      f'mmpose_ext {mmpose_ext.__version__}')
PY
step "done"

#!/usr/bin/env bash
# Install the whole mmpose_ext stack into the current Python environment:
# torch + torchvision, mmengine, mmcv (built from source with its ops: CPU ops, and
# CUDA ops where torch sees a GPU), mmdet, mmpose, openmim, xtcocotools (built
# against the installed numpy), pycocotools, the test tools and mmpose_ext itself
# (editable, with its mim extension).
#
#   bash tools/install.sh                         # uses `python` on PATH
#   PYTHON=/path/to/python bash tools/install.sh
#   TORCH_VERSION=2.13.0 bash tools/install.sh    # install the pinned pair, replacing any torch
#   TORCH_VERSION=2.15.0 bash tools/install.sh    # opt-in: torch 2.15, mmcv built with C++20
#   bash tools/install.sh --check                 # the checks and the plan; installs nothing
#
# torch: an installed torch from 2.4 to 2.15 (a researcher's CUDA build) is kept, and
# mmcv is built against it; only where there is none is the pinned pair installed
# (requirements/torch.txt). Below 2.4 torch's wheels are built against numpy 1, which
# the stack's numpy 2 breaks; 2.13 and 2.15 are the versions tested; newer ones are
# untested. A torch outside that range stops the install with the fix.
#
# Checks first (Python >= 3.10, not a system interpreter, the torch in place, a C++
# compiler, nvcc where torch sees a GPU) and stops with one sentence naming the fix
# before anything long starts. Safe to run again: every step already satisfied is skipped. The first run
# builds mmcv 2.1.0 from source; pip caches the built wheel (not for torch 2.15,
# whose patched source is built from a local folder, nor for the CUDA build).
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
TORCH_VERSION_GIVEN=${TORCH_VERSION:+1}
TORCH_VERSION=${TORCH_VERSION:-2.13.0}
# the torch versions this stack is kept with (see the header)
TORCH_KEPT_RANGE="2.4 to 2.15"
export PIP_ROOT_USER_ACTION=ignore
PIP=("$PYTHON" -m pip install --disable-pip-version-check)
REQ=requirements

step() { printf '\n[install] %s\n' "$*"; }
fail() { printf '[install] error: %s\n' "$*" >&2; exit 1; }
pin() { grep -E "^$1==" "$REQ/stack.txt"; }
python_ok() { "$PYTHON" -c "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- checks
command -v "$PYTHON" >/dev/null 2>&1 \
    || fail "no Python interpreter '$PYTHON' found; set PYTHON=/path/to/python (3.10 or newer)."
python_ok 'import sys; assert sys.version_info >= (3, 10)' \
    || fail "$("$PYTHON" -c 'import sys; print(sys.executable, sys.version.split()[0])') is too old: torch $TORCH_VERSION needs Python >= 3.10; create an environment with a newer one (e.g. 'python3.11 -m venv .venv && . .venv/bin/activate') and run this again."
# A distribution's own interpreter (PEP 668 marks it EXTERNALLY-MANAGED) outside a
# virtual environment: installing here would mix this stack into the system's packages.
if [ "${MMPOSE_EXT_ALLOW_SYSTEM_PYTHON:-0}" != 1 ]; then
    SYSTEM=$("$PYTHON" - <<'PY'
import os, sys, sysconfig
in_env = sys.prefix != sys.base_prefix or 'CONDA_PREFIX' in os.environ
marked = os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED'))
writable = os.access(sysconfig.get_path('purelib'), os.W_OK)
print('' if in_env else ('marked' if marked else ('readonly' if not writable else '')))
PY
)
    case "$SYSTEM" in
        marked) fail "$("$PYTHON" -c 'import sys; print(sys.executable)') is the system's interpreter (marked EXTERNALLY-MANAGED) and no virtual environment is active; create one ('$PYTHON -m venv .venv && . .venv/bin/activate') and run this again, or set MMPOSE_EXT_ALLOW_SYSTEM_PYTHON=1 to install into it anyway." ;;
        readonly) fail "the site-packages of $("$PYTHON" -c 'import sys; print(sys.executable)') is not writable and no virtual environment is active; create one ('$PYTHON -m venv .venv && . .venv/bin/activate') and run this again." ;;
    esac
fi
TORCH_REQ=$REQ/torch.txt
if [ "$TORCH_VERSION" != 2.13.0 ]; then
    TORCH_REQ=$REQ/torch-$TORCH_VERSION.txt
    [ -f "$TORCH_REQ" ] || fail "TORCH_VERSION=$TORCH_VERSION is not supported; supported: 2.13.0 (default) and $(ls $REQ/torch-*.txt | sed 's/.*torch-//; s/\.txt$//' | paste -sd, -)."
fi
# the torch in place: kept when supported, unless TORCH_VERSION asks for the pinned pair
INSTALLED_TORCH=$("$PYTHON" - <<'PY' 2>/dev/null || true
import re
import torch
found = re.match(r'(\d+)\.(\d+)', torch.__version__)
supported = found and (2, 4) <= tuple(map(int, found.groups())) <= (2, 15)
print(('supported' if supported else 'unsupported'), torch.__version__)
PY
)
read -r TORCH_STATE TORCH_FOUND <<<"${INSTALLED_TORCH:-none}"
KEEP_TORCH=0
if [ -z "$TORCH_VERSION_GIVEN" ]; then
    case "$TORCH_STATE" in
        supported) KEEP_TORCH=1 ;;
        unsupported) fail "the installed torch $TORCH_FOUND is outside the range this stack supports ($TORCH_KEPT_RANGE); install a torch in that range for your CUDA, or let this script replace it with the tested pair (TORCH_VERSION=2.13.0 bash tools/install.sh)." ;;
    esac
fi
if [ "$KEEP_TORCH" = 1 ]; then
    step "Python: $("$PYTHON" -c 'import sys; print(sys.executable, sys.version.split()[0])'), keeping the installed torch $TORCH_FOUND (supported: $TORCH_KEPT_RANGE)"
else
    step "Python: $("$PYTHON" -c 'import sys; print(sys.executable, sys.version.split()[0])'), torch $TORCH_VERSION (requirements: $TORCH_REQ)"
fi

MMCV_PIN=$(pin mmcv)
MMCV_VERSION=${MMCV_PIN#mmcv==}
mmcv_installed() {
    # mmcv with compiled ops for the installed torch, with CUDA ops where torch sees a GPU
    python_ok "
import mmcv, torch
from mmcv.ops import get_compiling_cuda_version
assert mmcv.__version__ == '$MMCV_VERSION'
assert not torch.cuda.is_available() or get_compiling_cuda_version() != 'not available'"
}
# What mmcv's build will compile: mmcv's setup.py builds the CUDA ops whenever torch
# sees a GPU, whatever FORCE_CUDA says, and then needs an nvcc whose major version
# matches torch's CUDA. Stops with the fix when it cannot; sets MODE, BUILD_ENV, CACHE.
plan_mmcv_build() {
    local cuda
    cuda=$("$PYTHON" - <<'PY'
import os, re, subprocess, torch
from torch.utils.cpp_extension import CUDA_HOME
if not torch.cuda.is_available():
    print('none')
else:
    nvcc = os.path.join(CUDA_HOME, 'bin', 'nvcc') if CUDA_HOME else None
    if not nvcc or not os.path.exists(nvcc):
        print(f'missing {torch.version.cuda}')
    else:
        found = re.search(r'release (\d+)\.(\d+)', subprocess.run(
            [nvcc, '--version'], capture_output=True, text=True).stdout)
        release = '.'.join(found.groups()) if found else 'unknown'
        same = found and found.group(1) == torch.version.cuda.split('.')[0]
        print(f"{'ok' if same else 'mismatch'} {torch.version.cuda} {release} {nvcc}")
PY
)
    read -r CUDA_STATE TORCH_CUDA NVCC_RELEASE NVCC_PATH <<<"$cuda"
    case "$CUDA_STATE" in
        missing) fail "torch sees a CUDA GPU, so mmcv's build compiles its CUDA ops and needs nvcc, which is not found; install the CUDA $TORCH_CUDA toolkit and set CUDA_HOME to it (nvcc in \$CUDA_HOME/bin), or build the CPU ops only with CUDA_VISIBLE_DEVICES= bash tools/install.sh." ;;
        mismatch) fail "torch was built with CUDA $TORCH_CUDA but $NVCC_PATH is CUDA $NVCC_RELEASE, and torch refuses to build extensions across CUDA major versions; set CUDA_HOME to a CUDA ${TORCH_CUDA%%.*}.x toolkit and run this again." ;;
        ok) MODE="CUDA and CPU ops (nvcc $NVCC_RELEASE at $NVCC_PATH, torch CUDA $TORCH_CUDA; 20-40 minutes)"
            BUILD_ENV=(MMCV_WITH_OPS=1 FORCE_CUDA=1)
            # a cached wheel may be a CPU-only build of the same version
            CACHE=(--no-cache-dir --force-reinstall --no-deps) ;;
        *)  MODE="CPU ops (about 8 minutes on 2 cores the first time)"
            BUILD_ENV=(MMCV_WITH_OPS=1 FORCE_CUDA=0)
            CACHE=() ;;
    esac
}
CXX_BIN=${CXX:-c++}
MMCV_MISSING=0
mmcv_installed || MMCV_MISSING=1
if [ "$MMCV_MISSING" = 1 ] && ! command -v "$CXX_BIN" >/dev/null 2>&1; then
    fail "no C++ compiler ('$CXX_BIN'): mmcv $MMCV_VERSION is built from source; install one (e.g. 'apt-get install g++') or set CXX=/path/to/compiler, and run this again."
fi

# where torch is there already, the GPU check runs now, before anything is installed
if [ "$MMCV_MISSING" = 1 ] && python_ok "import torch"; then
    plan_mmcv_build
fi

if [ "${1:-}" = --check ]; then
    step "checks passed; mmcv: $([ "$MMCV_MISSING" = 1 ] && echo "to be built with its ${MODE:-ops}" || echo installed); nothing installed (--check)"
    exit 0
fi

# ---------------------------------------------------------------- install
step "build tools (setuptools>=77,<81, wheel)"
"${PIP[@]}" -q -r "$REQ/build.txt"

if [ "$KEEP_TORCH" = 0 ]; then
    step "torch + torchvision ($TORCH_REQ)"
    "${PIP[@]}" -q -r "$TORCH_REQ"
elif python_ok "import torchvision"; then
    step "torch $TORCH_FOUND and torchvision $("$PYTHON" -c 'import torchvision; print(torchvision.__version__)'): kept"
else
    # torchvision's wheels pin the torch they were built with: pip picks the one
    # that matches the torch in place
    step "torchvision for the installed torch $TORCH_FOUND"
    "${PIP[@]}" -q torchvision "torch==$TORCH_FOUND"
fi

step "mmengine, the runtime dependencies of mmpose / mmdet / openmim, the test and docs tools"
"${PIP[@]}" -q "$(pin mmengine)" -r "$REQ/stack_deps.txt" -r "$REQ/tests.txt" -r "$REQ/docs.txt"

if mmcv_installed; then
    step "mmcv $MMCV_VERSION with ops: already installed"
else
    plan_mmcv_build
    if python_ok "import torch; assert tuple(map(int, torch.__version__.split('+')[0].split('.')[:2])) < (2, 15)"; then
        step "mmcv $MMCV_VERSION built from source with its $MODE"
        env "${BUILD_ENV[@]}" "${PIP[@]}" --no-build-isolation "${CACHE[@]}" "$MMCV_PIN"
    else
        # torch >= 2.15's headers need C++20; mmcv 2.1.0's setup.py passes -std=c++17
        # to the C++ compiler and to nvcc. The only change: c++17 -> c++20 in setup.py.
        SRC=$(mktemp -d)
        trap 'rm -rf "$SRC"' EXIT
        "$PYTHON" -m pip download --disable-pip-version-check -q --no-deps --no-binary :all: -d "$SRC" "$MMCV_PIN"
        tar -xzf "$SRC"/mmcv-"$MMCV_VERSION".tar.gz -C "$SRC"
        sed -i 's/-std=c++17/-std=c++20/g' "$SRC/mmcv-$MMCV_VERSION/setup.py"
        step "mmcv $MMCV_VERSION built from source with its $MODE, with -std=c++20 for torch >= 2.15 (patched setup.py: $(grep -c 'std=c++20' "$SRC/mmcv-$MMCV_VERSION/setup.py") flags c++17 -> c++20)"
        env "${BUILD_ENV[@]}" "${PIP[@]}" --no-build-isolation --force-reinstall --no-deps "$SRC/mmcv-$MMCV_VERSION"
    fi
    mmcv_installed || fail "mmcv was installed but 'import mmcv.ops' fails (or lacks the CUDA ops): its compiled ops do not match the installed torch; remove the cached wheel ('$PYTHON -m pip cache remove mmcv') and run this again."
fi

step "mmdet, mmpose, openmim without their declared dependencies"
"${PIP[@]}" -q --no-deps "$(pin mmdet)" "$(pin mmpose)" "$(pin openmim)"

if python_ok "from xtcocotools.coco import COCO; from xtcocotools.cocoeval import COCOeval"; then
    step "xtcocotools: already installed and importable"
else
    step "xtcocotools built from source against the installed numpy"
    "${PIP[@]}" -q --force-reinstall --no-deps --no-binary xtcocotools "xtcocotools>=1.12"
fi

step "mmpose_ext (editable, with its mim extension)"
"${PIP[@]}" -q --no-deps --no-build-isolation -e .
# mim 0.3.9 looks for a package's files (.mim/model-index.yml, .mim/tools, ...) in
# <location of its metadata>/<name>. A PEP 660 editable install keeps the code in this
# working tree and only a finder in site-packages, so `mim search/train/test mmpose_ext`
# would fail there (as for any editable OpenMMLab package). A symlink site-packages/
# mmpose_ext -> ./mmpose_ext gives mim that folder; imports resolve to the same files.
"$PYTHON" - "$(pwd -P)/mmpose_ext" <<'PY'
import os, sys, sysconfig
# where pip put the editable install's metadata and finder
link = os.path.join(sysconfig.get_path('purelib'), 'mmpose_ext')
if os.path.islink(link):
    os.remove(link)
if os.path.exists(link):
    sys.exit(f'[install] error: {link} is a folder (a non-editable install of mmpose_ext?); '
             f'remove it ("pip uninstall mmpose_ext") and run this again.')
os.symlink(sys.argv[1], link)
print(f'mim finds it through {link} -> {sys.argv[1]}')
PY

step "checking the stack"
"$PYTHON" - <<'PY'
import mmcv, mmcv.ops, mmdet, mmengine, mmpose, torch, torchvision
from mmcv.ops import get_compiling_cuda_version
import mmpose_ext
from xtcocotools.coco import COCO  # noqa: F401
print(f'torch {torch.__version__}, torchvision {torchvision.__version__}, '
      f'mmengine {mmengine.__version__}, mmcv {mmcv.__version__} '
      f'(ops CUDA: {get_compiling_cuda_version()}), '
      f'mmdet {mmdet.__version__}, mmpose {mmpose.__version__}, '
      f'mmpose_ext {mmpose_ext.__version__}')
PY
step "done"

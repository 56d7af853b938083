# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Error reporting for the command-line tools: a sentence on top of every failure.

A :class:`~mmpose_ext.utils.config_check.ConfigError` (a wrong path, type or import
in a config) is reported as that one sentence, without a traceback, and the tool
exits with status 2. Any other exception gets a sentence that says what stopped
the run before its traceback, because the traceback's last line is often deep
inside a dataloader worker or a registry.
"""
import sys
from typing import Callable

from .config_check import ConfigError

_HINTS = (
    (FileNotFoundError,
     'a file the run needs is missing (an image, annotation or checkpoint); '
     'check data_root / data_prefix / ann_file in the config'),
    (ImportError,
     'a module could not be imported; run `bash tools/install.sh` to install '
     'the stack'),
)


def _summary(err: BaseException) -> str:
    """One line for an exception; for errors re-raised from a dataloader
    worker ("Caught X in DataLoader worker ..."), the original error's line."""
    lines = [line for line in str(err).strip().splitlines() if line.strip()]
    if not lines:
        return ''
    return lines[-1].strip() if lines[0].startswith('Caught ') else lines[0]


def run_tool(main: Callable[[], object], tool: str) -> None:
    """Run a tool's ``main`` and report failures as described above."""
    try:
        main()
    except ConfigError as err:
        print(f'{tool}: error: {err}', file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print(f'{tool}: interrupted. Resume with --resume (the latest '
              'checkpoint of the work dir is used).', file=sys.stderr)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001  (re-raised below)
        hint = next((text for kind, text in _HINTS if isinstance(err, kind)),
                    'the traceback below shows where')
        print(f'{tool}: error: the run stopped with {type(err).__name__}: '
              f'{_summary(err)}\n{tool}: {hint}.', file=sys.stderr)
        raise

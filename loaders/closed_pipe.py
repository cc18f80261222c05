"""Running a command-line ``main`` so that a reader going away (``| head``) ends it
quietly, for both commands (``python -m loaders``, ``python -m kpi``)."""
from __future__ import annotations

import os
import sys
from typing import Callable


def run(main: Callable[[], int]) -> int:
    """``main()``'s exit code; 0 when the reader of the output went away."""
    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Python would print a traceback flushing stdout at exit: point it at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0

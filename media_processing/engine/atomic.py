"""Write-then-rename: a result file appears complete or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """Yield a temporary path next to `final`; rename it to `final` if the block succeeds.

    The temporary name starts with a dot and keeps `final`'s suffix (so tools that look
    at the extension pick the right format). On any exception it is deleted, so a failed
    step leaves neither a half-written file nor a stray temporary one.
    """
    handle, name = tempfile.mkstemp(prefix=f".{final.stem}-", suffix=final.suffix, dir=final.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

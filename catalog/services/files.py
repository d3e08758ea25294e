import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def write_atomically(path, data: str | bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    Readers see either the old file or the new one, never a partial write.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def lock_path(path) -> Path:
    """The lock file that guards the file at `path`: a hidden file next to it."""
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


@contextmanager
def file_lock(path, *, shared: bool = False):
    """Hold the OS lock (flock) of the file at `path` for the duration of the block.

    The lock holds across threads, processes and gunicorn workers: writers take it exclusively, readers that need
    several files to agree take it shared. The lock file is created if missing and never removed.
    """
    with open(lock_path(path), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield

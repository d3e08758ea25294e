import errno
import fcntl
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path


class NotARegularFile(OSError):
    """A write would replace a directory, device, FIFO or socket."""


_SPECIAL_KINDS = [
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
]


def write_atomically(path, data: str | bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    Readers see either the old file or the new one, never a partial write. A symbolic link is followed (its
    target is replaced, the link kept); anything but a regular file is refused with NotARegularFile.
    """
    path = regular_file_target(path)
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


def regular_file_target(path) -> Path:
    """The file a write to `path` replaces: `path`, or where its symbolic links lead; NotARegularFile if that
    exists and is not a regular file."""
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    _refuse_special(mode, path)
    return target


class FileTooLarge(OSError):
    """A file larger than what its reader accepts."""


def read_regular_file(path, *, limit: int) -> bytes:
    """The bytes of the regular file at `path` (symbolic links followed), at most `limit` of them.

    A FIFO or a device is refused (NotARegularFile) without waiting on it, and a larger file (FileTooLarge)
    without reading more than `limit` bytes of it.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        _refuse_special(os.fstat(descriptor).st_mode, path)
    except NotARegularFile:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(errno.EFBIG, f"it is larger than {limit:,} bytes", str(path))
    return data


def _refuse_special(mode: int, path) -> None:
    for is_kind, kind in _SPECIAL_KINDS:
        if is_kind(mode):
            raise NotARegularFile(errno.EEXIST, f"it is {kind}, not a regular file", str(path))


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

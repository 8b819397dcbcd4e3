"""Writing files so that nothing a user had on disk is lost or half-replaced.

Every file the package writes (checkpoints, graph pictures, the demo's files, the
command line's outputs) goes through `write_bytes`, `write_text` or `write_files`:

- The new content goes to a temporary file beside the target, created exclusively
  (O_EXCL, O_NOFOLLOW) under an unpredictable name (`.NAME.<random>.tmp`), flushed
  to disk, then renamed over the target in one step: a reader sees the old file or
  the new one, never a mix. A failure (a full disk, Ctrl-C, SIGTERM) removes the
  temporary file and leaves the old file untouched. (SIGKILL or a power cut can
  leave a `.NAME.*.tmp` file behind, never a damaged target.)
- Only regular files are replaced. A directory, FIFO, device, socket or symbolic
  link at the path is refused with an OSError saying what it is: a symlink is
  neither followed nor replaced (write to the file it points to by its own path).
  Symbolic links among the parent directories are followed as usual.
- A replaced file keeps its permission bits (and, for root, its owner); a new file
  gets the usual permissions (0o666 less the umask).
- `write_files` writes a set of files all or none: when any of them cannot be
  written, every old file is left as it was and no new one appears.

Errors are OSErrors whose `strerror` is one sentence naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import TypeVar

PathLike = str | os.PathLike[str]
AnyPath = TypeVar("AnyPath", bound=str | os.PathLike[str])

# Temporary names keep at most this much of the target's name, so they stay under
# the usual 255-byte limit of a file name.
_NAME_KEPT = 200
_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_target(path: PathLike) -> Path:
    """Check that `path` can be written by this module, before any work is spent on it.

    Raises an OSError naming the problem: the directory is missing, not writable or
    on a read-only file system, or the path holds something other than a regular
    file. Returns `path` as a Path.
    """
    target = Path(path)
    _existing_file(target)
    _probe(target.parent, target)
    return target


def check_directory(path: PathLike) -> Path:
    """Check that files can be created in the directory `path`, or in the nearest existing
    directory above it when it does not exist yet; OSError naming the problem if not."""
    directory = Path(path)
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(
            errno.ENOTDIR,
            f"cannot write into {str(directory)!r}: {str(existing)!r} is not a directory",
        )
    _probe(existing, directory)
    return directory


def _probe(directory: Path, target: Path) -> None:
    """Create and remove a file in `directory`: what permissions and mount flags do not tell
    (a pseudo file system such as /proc, an ACL) shows here, before any work is spent."""
    probe = directory / f".{secrets.token_hex(8)}.probe"
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise _named(error, target) from None
    os.close(descriptor)
    _remove(probe)


def write_bytes(path: PathLike, data: bytes) -> Path:
    """Replace (or create) the file at `path` with `data`, atomically; returns the path."""
    return write_files({path: data})[0]


def write_text(path: PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Replace (or create) the file at `path` with `text`, atomically; returns the path."""
    return write_bytes(path, text.encode(encoding))


def write_files(contents: Mapping[AnyPath, bytes]) -> list[Path]:
    """Write every file of `contents` (path -> bytes), all of them or none; returns the paths.

    The targets are checked first, then every new file is written beside its
    target, and only then are they moved into place. If anything fails, old files
    are restored and the temporary files removed before the error propagates.
    """
    targets = [Path(path) for path in contents]
    if len({os.path.abspath(target) for target in targets}) != len(targets):
        raise ValueError(f"write_files: the same path is given twice in {list(contents)!r}")
    with _signals_raise():
        existing = [_existing_file(target) for target in targets]
        staged: list[Path] = []
        try:
            for target, old, data in zip(targets, existing, contents.values()):
                staged.append(_stage(target, old, data))
            _commit(targets, staged, existing)
        except BaseException:
            for temporary in staged:
                _remove(temporary)
            raise
    return targets


def _existing_file(target: Path) -> os.stat_result | None:
    """The lstat of the regular file at `target`, or None if there is none; else OSError."""
    if not target.name or target.name in (".", ".."):
        raise IsADirectoryError(errno.EISDIR, f"cannot write {str(target)!r}: not a file name")
    directory = target.parent
    try:
        status = target.lstat()
    except FileNotFoundError:
        status = None
    except NotADirectoryError:
        raise NotADirectoryError(
            errno.ENOTDIR, f"cannot write {str(target)!r}: {str(directory)!r} is not a directory"
        ) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        kind = next(name for test, name in _FILE_KINDS if test(status.st_mode))
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, f"cannot write {str(target)!r}: it is {kind}")
        raise FileExistsError(
            errno.EEXIST,
            f"refusing to replace {str(target)!r}: it is {kind}, not a regular file",
        )
    if not directory.is_dir():
        raise FileNotFoundError(
            errno.ENOENT,
            f"cannot write {str(target)!r}: directory {str(directory)!r} does not exist",
        )
    if _read_only(directory):
        raise OSError(
            errno.EROFS,
            f"cannot write {str(target)!r}: {str(directory)!r} is on a read-only file system",
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(
            errno.EACCES,
            f"cannot write {str(target)!r}: directory {str(directory)!r} is not writable",
        )
    return status


def _read_only(directory: Path) -> bool:
    try:
        return bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): the write will tell
        return False


def _stage(target: Path, old: os.stat_result | None, data: bytes) -> Path:
    """`data` in a new temporary file beside `target`, flushed to disk; returns its path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    # Replacing a file: start owner-only, then take the old file's permissions, so the
    # new content is never readable by more people than the old was.
    mode = 0o600 if old is not None else 0o666
    while True:
        temporary = target.with_name(f".{target.name[:_NAME_KEPT]}.{secrets.token_hex(8)}.tmp")
        try:
            descriptor = os.open(temporary, flags, mode)
            break
        except FileExistsError:  # a 64-bit random name taken: astronomically rare
            continue
        except OSError as error:
            raise _named(error, target) from None
    try:
        try:
            if old is not None:
                _keep_owner_and_mode(descriptor, old)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except BaseException as error:
        _remove(temporary)
        if isinstance(error, OSError):
            raise _named(error, target) from None
        raise
    return temporary


def _keep_owner_and_mode(descriptor: int, old: os.stat_result) -> None:
    if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        # Only root may give a file away; for others the new file is theirs.
        with contextlib.suppress(PermissionError):
            os.fchown(descriptor, old.st_uid, old.st_gid)
    os.fchmod(descriptor, stat.S_IMODE(old.st_mode))


def _commit(targets: list[Path], staged: list[Path], existing: list[os.stat_result | None]) -> None:
    """Rename every staged file over its target; on failure, put the old files back."""
    backups: list[Path | None] = []
    done = 0
    try:
        for target, old in zip(targets, existing):
            backups.append(_backup(target) if old is not None and len(targets) > 1 else None)
        for target, temporary in zip(targets, staged):
            os.replace(temporary, target)
            done += 1
    except BaseException as error:
        for target, old, backup in zip(targets[:done], existing, backups):
            if backup is not None:
                os.replace(backup, target)
            elif old is None:
                _remove(target)
        for backup in backups[done:]:
            if backup is not None:
                _remove(backup)
        if isinstance(error, OSError):
            raise _named(error, targets[done] if done < len(targets) else targets[-1]) from None
        raise
    for backup in backups:
        if backup is not None:
            _remove(backup)
    for directory in {target.parent for target in targets}:
        _sync_directory(directory)


def _backup(target: Path) -> Path | None:
    """A second name (hard link) for `target`'s old content, so a set can be rolled back."""
    backup = target.with_name(f".{target.name[:_NAME_KEPT]}.{secrets.token_hex(8)}.old")
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:  # no hard links here: the set is still checked, staged and renamed
        return None
    return backup


def _sync_directory(directory: Path) -> None:
    # Makes the renames durable; not every platform or file system can open a directory.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _remove(path: Path) -> None:
    # A cleanup failure (say, a file system turned read-only) must not hide the real error.
    with contextlib.suppress(OSError):
        os.unlink(path)


def _named(error: OSError, target: Path) -> OSError:
    """`error` as an OSError of the same type whose message names `target`, not a temporary."""
    reason = error.strerror or str(error)
    if str(target) in reason:
        return error
    code = error.errno if error.errno is not None else errno.EIO
    return OSError(code, f"cannot write {str(target)!r}: {reason}")


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived during a write (where their default would kill at once)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP raise, so temporary files are removed first.

    Only where they would kill the process on the spot (their default action) and in
    the main thread, where Python runs signal handlers; the signal is re-delivered
    afterwards, so the process still ends as it would have.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGTERM", "SIGHUP")
    numbers = [getattr(signal, name) for name in names if hasattr(signal, name)]
    previous = {number: signal.getsignal(number) for number in numbers}

    def raise_terminated(signum: int, frame: FrameType | None) -> None:
        raise _Terminated(signum)

    for number, handler in previous.items():
        if handler == signal.SIG_DFL:
            signal.signal(number, raise_terminated)
    try:
        yield
    except _Terminated as terminated:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.raise_signal(terminated.signum)
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)

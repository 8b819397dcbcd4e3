"""autograd_lite.atomic_write: atomic replacement, refusals, permissions, sets, failures, signals.

Full disks and read-only file systems are real where the tests may mount a small tmpfs
(root on Linux); a stand-in that raises ENOSPC covers the same path everywhere.
"""

import errno
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd_lite import atomic_write


def leftovers(directory: Path) -> list[str]:
    """Hidden temporary or backup files the writer may have left."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_writes_a_new_file_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert atomic_write.write_text(target, "héllo") == target
    assert target.read_bytes() == "héllo".encode()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_replacing_keeps_the_old_files_permissions(tmp_path: Path) -> None:
    # Issue 12, finding 2: re-saving over a chmod 600 checkpoint left it 0644.
    target = tmp_path / "secret.json"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write.write_text(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    target.chmod(0o640)
    atomic_write.write_bytes(target, b"newer")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_root_replacing_a_users_file_keeps_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    target.write_text("old")
    os.chown(target, 12345, 23456)
    atomic_write.write_text(target, "new")
    assert (target.stat().st_uid, target.stat().st_gid) == (12345, 23456)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda path: path.mkdir(), "it is a directory"),
        (lambda path: os.mkfifo(path), "it is a FIFO"),
        (lambda path: path.symlink_to(path.parent / "elsewhere"), "it is a symbolic link"),
    ],
)
def test_refuses_to_replace_what_is_not_a_regular_file(
    tmp_path: Path, make: object, kind: str
) -> None:
    # Issue 12, finding 2: a FIFO, a device or a symlink was replaced by a regular file.
    target = tmp_path / "target"
    make(target)  # type: ignore[operator]
    before = target.lstat()
    with pytest.raises(OSError, match=kind) as caught:
        atomic_write.write_text(target, "x")
    assert str(target) in str(caught.value.strerror)
    after = target.lstat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "elsewhere").exists()  # a symlink is not followed either


def test_refuses_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(FileExistsError, match="it is a socket"):
            atomic_write.write_text(path, "x")
    assert stat.S_ISSOCK(path.lstat().st_mode)


def test_refuses_a_null_device_and_leaves_it_a_device(null_device: Path) -> None:
    # As root, `train --save /dev/null` turned /dev/null into a regular file.
    with pytest.raises(FileExistsError, match="it is a character device, not a regular file"):
        atomic_write.write_text(null_device, "x")
    assert stat.S_ISCHR(null_device.lstat().st_mode)


def test_a_symlinked_parent_directory_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    atomic_write.write_text(tmp_path / "link" / "f.txt", "x")
    assert (tmp_path / "real" / "f.txt").read_text() == "x"


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("missing/f.txt", FileNotFoundError, "directory .* does not exist"),
        ("", IsADirectoryError, "not a file name"),
        ("file.txt/f.txt", NotADirectoryError, "is not a directory"),
    ],
)
def test_paths_that_cannot_be_files(
    tmp_path: Path, name: str, error: type[OSError], message: str
) -> None:
    (tmp_path / "file.txt").write_text("keep")
    with pytest.raises(error, match=message):
        atomic_write.write_text(tmp_path / name if name else "", "x")
    assert (tmp_path / "file.txt").read_text() == "keep"


def test_temporary_names_are_unpredictable_and_never_follow_a_planted_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 12, finding 3: `.{stem}.{pid}.partial.svg` could be planted as a symlink.
    victim = tmp_path / "victim"
    victim.write_text("precious")
    created: list[Path] = []
    real_open = os.open

    def recording_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if flags & os.O_CREAT:
            created.append(Path(path))
            assert flags & os.O_EXCL and flags & os.O_NOFOLLOW
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", recording_open)
    for _ in range(3):
        atomic_write.write_text(tmp_path / "g.svg", "<svg/>")
    temporaries = [p.name for p in created if p.name.endswith(".tmp")]
    assert len(set(temporaries)) == 3 and all(n.startswith(".g.svg.") for n in temporaries)
    # A name planted in advance is never reused: creation is exclusive, so it is skipped.
    monkeypatch.setattr(os, "open", real_open)
    tokens = iter(["planted00000000", "fresh000000000000"])
    monkeypatch.setattr(atomic_write.secrets, "token_hex", lambda n: next(tokens))
    (tmp_path / ".g.svg.planted00000000.tmp").symlink_to(victim)
    atomic_write.write_text(tmp_path / "g.svg", "<svg>new</svg>")
    assert victim.read_text() == "precious"
    assert (tmp_path / "g.svg").read_text() == "<svg>new</svg>"


def enospc_after(monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """A stand-in for a full disk: os.write fails with ENOSPC after `calls` writes."""
    real_write = os.write
    count = {"n": 0}

    def write(descriptor: int, data: bytes) -> int:
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)


def test_a_full_disk_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "model.json"
    target.write_text("old")
    enospc_after(monkeypatch, 0)
    with pytest.raises(OSError, match="No space left") as caught:
        atomic_write.write_text(target, "new")
    assert caught.value.errno == errno.ENOSPC
    assert "model.json" in str(caught.value.strerror)  # the target, not the temporary
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_a_set_is_written_all_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 12, finding 1: the demo's rollback deleted the previous model.json.
    names = ["model.json", "neuron.svg", "boundary.svg"]
    for name in names[:2]:
        (tmp_path / name).write_text(f"old {name}")
    enospc_after(monkeypatch, 2)  # the third file hits the full disk
    with pytest.raises(OSError, match=r"boundary\.svg.*No space left"):
        atomic_write.write_files({tmp_path / name: b"new" for name in names})
    assert (tmp_path / "model.json").read_text() == "old model.json"
    assert (tmp_path / "neuron.svg").read_text() == "old neuron.svg"
    assert not (tmp_path / "boundary.svg").exists()
    assert leftovers(tmp_path) == []


def test_a_set_that_fails_while_moving_into_place_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").write_text("old a")
    real_replace = os.replace
    moved: list[str] = []

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(target).name == "c":
            raise OSError(errno.EIO, "Input/output error")
        moved.append(Path(target).name)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="Input/output error"):
        atomic_write.write_files({tmp_path / n: n.encode() for n in "abc"})
    assert moved[:2] == ["a", "b"]  # the first two had been moved when the third failed
    assert (tmp_path / "a").read_text() == "old a"
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()
    assert leftovers(tmp_path) == []


def test_a_set_with_the_same_path_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="the same path is given twice"):
        atomic_write.write_files({tmp_path / "a": b"1", str(tmp_path / "a"): b"2"})


def test_ctrl_c_while_writing_removes_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "model.json"
    target.write_text("old")

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write.write_text(target, "new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_writing_removes_the_temporary(tmp_path: Path, signum: int) -> None:
    # Issue 12, finding 4: SIGTERM during a save left 20-29 MB hidden temporary files.
    script = textwrap.dedent(f"""
        import os, sys
        from autograd_lite import atomic_write
        real_write = os.write
        def slow_write(descriptor, data):
            print("writing", flush=True)
            sys.stdin.readline()  # wait here until the test has sent the signal
            return real_write(descriptor, data)
        os.write = slow_write
        atomic_write.write_bytes({str(tmp_path / "big.bin")!r}, b"x" * 1_000_000)
    """)
    (tmp_path / "big.bin").write_bytes(b"old")
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "writing\n"
    assert len(leftovers(tmp_path)) == 1  # the temporary file exists now
    process.send_signal(signum)
    time.sleep(0.2)  # let the handler run before the blocked read returns
    _, stderr = process.communicate("go\n", timeout=60)
    # Killed by the signal, as without the writer (Python re-raises SIGINT at exit too).
    assert process.returncode == -signum, stderr
    assert (tmp_path / "big.bin").read_bytes() == b"old"
    assert leftovers(tmp_path) == []


# --- real file systems: a full one and a read-only one (a small tmpfs, where mountable) ---


@pytest.fixture
def tmpfs(mount_tmpfs: Callable[[str], Path]) -> Path:
    """A 64 KiB tmpfs; skipped where mounting is not allowed."""
    return mount_tmpfs("64k")


def test_a_really_full_disk_leaves_the_old_file(tmpfs: Path) -> None:
    target = tmpfs / "model.json"
    target.write_text("old")
    with pytest.raises(OSError) as caught:
        atomic_write.write_bytes(target, b"x" * 200_000)
    assert caught.value.errno == errno.ENOSPC
    assert target.read_text() == "old"
    assert leftovers(tmpfs) == []
    assert atomic_write.write_text(target, "fits").read_text() == "fits"  # space came back


def test_a_read_only_file_system_is_refused_before_writing(tmpfs: Path) -> None:
    (tmpfs / "model.json").write_text("old")
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    with pytest.raises(OSError, match="read-only file system") as caught:
        atomic_write.check_target(tmpfs / "model.json")
    assert caught.value.errno == errno.EROFS
    with pytest.raises(OSError, match="read-only file system"):
        atomic_write.write_text(tmpfs / "model.json", "new")
    assert (tmpfs / "model.json").read_text() == "old"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any directory")
def test_a_directory_without_write_permission_is_refused(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir(mode=0o555)
    with pytest.raises(PermissionError, match="is not writable"):
        atomic_write.write_text(tmp_path / "locked" / "f", "x")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_pseudo_file_system_is_refused_by_the_check_not_after_the_work() -> None:
    # /proc looks writable to root (permissions, mount flags) but takes no new files.
    with pytest.raises(FileNotFoundError, match=r"cannot write '/proc/model\.json'"):
        atomic_write.check_target("/proc/model.json")
    with pytest.raises(FileNotFoundError, match=r"cannot write '/proc/self/out/deeper'"):
        atomic_write.check_directory("/proc/self/out/deeper")


def test_check_directory_accepts_a_missing_directory_under_a_writable_one(tmp_path: Path) -> None:
    assert atomic_write.check_directory(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match=r"'.*file' is not a directory"):
        atomic_write.check_directory(tmp_path / "file" / "sub")
    assert leftovers(tmp_path) == []


def test_a_failing_cleanup_does_not_hide_the_real_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 12, finding 6: the cleanup's "[Errno 30] Read-only file system" hid the real error.
    def read_only_unlink(path: str | os.PathLike[str]) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    enospc_after(monkeypatch, 0)
    monkeypatch.setattr(os, "unlink", read_only_unlink)
    with pytest.raises(OSError) as caught:
        atomic_write.write_text(tmp_path / "model.json", "new")
    assert caught.value.errno == errno.ENOSPC

"""Writing the README or the fixture to a path that is not a plain file: special files are refused and left as
they are; a symbolic link is followed, its target replaced atomically and the link kept."""

import os
import socket
import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.services import files
from catalog.services.fixtures import catalog_fixture
from tests.admin_support import make_user
from tests.conftest import SEED_README

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_files(seeded, settings, tmp_path):
    """The README and the fixture the admin's README page publishes, as the seeded catalog exports them."""
    settings.CATALOG_README_PATH = tmp_path / "README.md"
    settings.CATALOG_FIXTURE_PATH = tmp_path / "catalog.json"
    settings.CATALOG_README_PATH.write_bytes(SEED_README.read_bytes())
    settings.CATALOG_FIXTURE_PATH.write_text(catalog_fixture()[0], encoding="utf-8")
    return settings


def export_to(path) -> None:
    call_command("export_readme", "-o", str(path), stdout=StringIO(), stderr=StringIO())


def fifo(tmp_path):
    path = tmp_path / "README.md"
    os.mkfifo(path)
    return path


def directory(tmp_path):
    path = tmp_path / "README.md"
    path.mkdir()
    (path / "kept").write_text("kept")
    return path


def unix_socket(tmp_path):
    path = tmp_path / "README.md"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def device(tmp_path):
    """A character device node like /dev/null (1, 3), made here so that a failing test harms nothing else."""
    path = tmp_path / "README.md"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    return path


@pytest.mark.parametrize(
    "make, kind, is_kind",
    [
        (fifo, "a FIFO", stat.S_ISFIFO),
        (directory, "a directory", stat.S_ISDIR),
        (unix_socket, "a socket", stat.S_ISSOCK),
        (device, "a character device", stat.S_ISCHR),
    ],
)
@pytest.mark.parametrize("command", ["export_readme", "export_fixtures"])
def test_a_special_file_is_refused_and_left_as_it_is(seeded, tmp_path, make, kind, is_kind, command):
    path = make(tmp_path)
    with pytest.raises(CommandError) as error:
        call_command(command, "-o", str(path), stdout=StringIO(), stderr=StringIO())
    assert str(error.value) == f"{path}: cannot write: it is {kind}, not a regular file"
    assert is_kind(os.lstat(path).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["README.md"]


def test_a_symlink_is_followed_and_kept(seeded, tmp_path):
    published = tmp_path / "site" / "README.md"
    published.parent.mkdir()
    published.write_text("old")
    published.chmod(0o640)
    link = tmp_path / "README.md"
    link.symlink_to(os.path.relpath(published, tmp_path))

    export_to(link)

    assert link.is_symlink() and os.readlink(link) == "site/README.md"
    assert published.read_bytes() == SEED_README.read_bytes()
    assert stat.S_IMODE(published.stat().st_mode) == 0o640
    assert sorted(os.listdir(published.parent)) == ["README.md"]


def test_a_chain_of_symlinks_and_a_dangling_one_write_the_final_target(seeded, tmp_path):
    target = tmp_path / "target.md"
    (tmp_path / "middle.md").symlink_to(target)
    link = tmp_path / "README.md"
    link.symlink_to(tmp_path / "middle.md")

    export_to(link)

    assert link.is_symlink() and (tmp_path / "middle.md").is_symlink()
    assert target.read_bytes() == SEED_README.read_bytes()


def test_a_symlink_to_a_special_file_is_refused(seeded, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "link.md"
    link.symlink_to(pipe)
    with pytest.raises(CommandError, match="it is a FIFO"):
        export_to(link)
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)


def test_check_refuses_a_fifo_instead_of_waiting_on_it(seeded, tmp_path):
    with pytest.raises(CommandError, match="it is a FIFO"):
        call_command("export_readme", "--check", str(fifo(tmp_path)), stdout=StringIO(), stderr=StringIO())


def test_publishing_writes_through_a_symlinked_readme(published_files, client, tmp_path):
    real = tmp_path / "checkout" / "README.md"
    real.parent.mkdir()
    real.write_bytes(b"# Old\n")
    published_files.CATALOG_README_PATH.unlink()
    published_files.CATALOG_README_PATH.symlink_to(real)
    client.force_login(make_user("admin", superuser=True))
    page = client.get("/admin/readme/")

    client.post("/admin/readme/", {"publish": "1", "fingerprint": page.context["preview"].fingerprint})

    assert published_files.CATALOG_README_PATH.is_symlink()
    assert real.read_bytes() == SEED_README.read_bytes()


def test_publishing_refuses_a_readme_that_is_a_directory(published_files, client):
    readme_path = published_files.CATALOG_README_PATH
    readme_path.unlink()
    readme_path.mkdir()
    fixture_before = published_files.CATALOG_FIXTURE_PATH.read_bytes()
    client.force_login(make_user("admin", superuser=True))

    page = client.get("/admin/readme/")

    assert "it is a directory, not a regular file" in page.content.decode()
    assert readme_path.is_dir()
    assert published_files.CATALOG_FIXTURE_PATH.read_bytes() == fixture_before
    with pytest.raises(files.NotARegularFile):
        files.write_atomically(readme_path, "text")

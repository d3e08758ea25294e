from django.core.management.base import CommandError

from catalog.services.files import write_atomically


def write_output(path, text: str) -> None:
    """Write a command's result to `path` atomically, turning a failure into a CommandError."""
    try:
        write_atomically(path, text)
    except OSError as error:
        raise CommandError(f"{path}: cannot write: {error.strerror}") from error

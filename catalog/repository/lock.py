"""A lock in the database, so publishes and syncs from any instance never interleave.

A row per lock name holds who has it and until when: taking it is one UPDATE that only succeeds when nobody holds
it or the holder's lease ran out (a process that died cannot block the others for longer than the lease). Each
UPDATE is its own short transaction, so SQLite and PostgreSQL behave alike and nothing else waits on the lock.
"""

import secrets
import time
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from catalog.repository.models import Lease

LEASE = timedelta(minutes=15)


class Busy(Exception):
    """Another publish or sync held the lock for longer than the wait allowed."""


def _take(name: str, holder: str) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            Lease.objects.get_or_create(name=name)
        with transaction.atomic():
            free = Q(holder="") | Q(expires_at__lt=now)
            return bool(Lease.objects.filter(free, name=name).update(holder=holder, expires_at=now + LEASE))
    except (IntegrityError, OperationalError):
        return False


@contextmanager
def database_lock(name: str, *, wait: float):
    """Hold the lock `name` for the block; Busy if it is not free within `wait` seconds."""
    holder = secrets.token_hex(16)
    deadline = time.monotonic() + wait
    while not _take(name, holder):
        if time.monotonic() >= deadline:
            raise Busy(f"another publish or sync is running (waited {wait:g} seconds); try again in a moment")
        time.sleep(0.1)
    try:
        yield
    finally:
        for _ in range(50):
            try:
                Lease.objects.filter(name=name, holder=holder).update(holder="", expires_at=None)
                break
            except OperationalError:
                time.sleep(0.1)

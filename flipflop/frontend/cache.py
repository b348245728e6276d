"""Content-addressed on-disk cache of compiler and analysis outputs (PTX, ptxas reports,
variants, launch features).

Entries live under ``$FLIPFLOP_CACHE_DIR`` (default ``~/.cache/flipflop``), one folder per
kind, keyed by a hash of everything that determines the output. Writes are atomic, so
parallel tuning runs can share the cache; a cache that cannot be written is skipped.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """The folder holding cached entries of ``kind`` ("ptx", "ptxas")."""
    return Path(os.environ.get("FLIPFLOP_CACHE_DIR") or Path.home() / ".cache" / "flipflop") / kind


def cache_key(*parts: object) -> str:
    """Content hash of the given parts (JSON-encoded)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def read_cache(kind: str, key: str) -> str | None:
    """The cached text stored under ``key``, or None."""
    try:
        return (cache_dir(kind) / key[:2] / key).read_text()
    except OSError:
        return None


def read_cache_bytes(kind: str, key: str) -> bytes | None:
    """The cached bytes stored under ``key``, or None."""
    try:
        return (cache_dir(kind) / key[:2] / key).read_bytes()
    except OSError:
        return None


def write_cache(kind: str, key: str, text: str) -> None:
    """Store ``text`` under ``key`` atomically (temp file, then rename); best effort."""
    write_cache_bytes(kind, key, text.encode())


def write_cache_bytes(kind: str, key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` atomically (temp file, then rename); best effort."""
    target = cache_dir(kind) / key[:2] / key
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only home must not stop a compile

"""Signed heads: each chain's head, signed with that chain's Ed25519 key, for anyone to keep.

A chain's private key is a file outside the database (``COMUNA_KEYS_DIR``, one file per chain,
mode 0600, PEM "PRIVATE KEY" as OpenSSL writes it), so someone who holds only the database can
neither read it nor sign a head of a rewritten chain. :func:`ensure_key` makes the file once;
nothing else writes it, and reading a head never does.

A signed head is this JSON object (one line, keys sorted, no spaces)::

    {"body":"<label>","chain":"body:3","hash":"<64 hex>","public_key":"<64 hex>",
     "recorded_at":"2025-03-01T14:07:09.000120Z","seq":41,"signature":"<128 hex>"}

``public_key`` is the raw 32-byte Ed25519 public key in hex; ``signature`` is the Ed25519
signature, in hex, of the UTF-8 bytes of the canonical JSON (``comuna.ledger.canonical``) of the
object made of exactly the six other members ``body``, ``chain``, ``hash``, ``public_key``,
``recorded_at`` and ``seq``, i.e. the line above without ``,"signature":"..."``. For an empty
chain ``seq`` is 0, ``hash`` the genesis hash (64 zeros) and ``recorded_at`` null.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.utils.translation import gettext as _

from comuna.ledger.canonical import canonical_json
from comuna.ledger.hashing import GENESIS_HASH, check_name, utc_text
from comuna.ledger.services import head as published_head
from comuna.ledger.witness import last_witnessed

__all__ = [
    "SIGNED_FIELDS",
    "KeyFileError",
    "ensure_key",
    "fingerprint",
    "head_document",
    "key_path",
    "private_key",
    "public_key_hex",
    "signature_problem",
    "signed_bytes",
]

SIGNED_FIELDS = ("body", "chain", "hash", "public_key", "recorded_at", "seq")


class KeyFileError(Exception):
    """A chain's key file is missing or cannot be read as an Ed25519 private key."""


def key_path(chain: str) -> Path:
    """Where ``chain``'s private key is kept (``body:3`` -> ``body%3A3.ed25519.pem``)."""
    check_name("chain", chain)
    return Path(settings.COMUNA_KEYS_DIR) / f"{quote(chain, safe='')}.ed25519.pem"


def ensure_key(chain: str) -> bool:
    """Make ``chain``'s key file if it has none; True if it was made. Safe to run twice or from
    two processes at once: the file appears whole (written aside, then linked) or not at all."""
    path = key_path(chain)
    if path.exists():
        return False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(aside, path)
    except FileExistsError:
        return False
    finally:
        aside.unlink()
    return True


def private_key(chain: str) -> Ed25519PrivateKey:
    """``chain``'s private key, read from its file; KeyFileError if missing or unreadable."""
    path = key_path(chain)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyFileError(
            _("The key file %(path)s does not exist: run `comuna ledger keys`.") % {"path": path}
        ) from None
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(
            _("The key file %(path)s cannot be read as a private key: %(error)s")
            % {"path": path, "error": exc}
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(
            _("The key file %(path)s does not hold an Ed25519 key.") % {"path": path}
        )
    return key


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes_raw().hex()


def fingerprint(public_hex: str) -> str:
    """SHA-256 of the raw public key, in hex: what witnesses archive to recognise the key."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()


def signed_bytes(document: dict) -> bytes:
    """The exact bytes a head's signature covers (see the module docstring)."""
    return canonical_json({name: document[name] for name in SIGNED_FIELDS}).encode("utf-8")


def head_document(chain: str, label: str) -> dict:
    """The signed head of ``chain`` (``label``, e.g. the body's short name, goes in "body");
    KeyFileError if the chain has no usable key. Reads only: the key file, the server's newest
    witnessed head of the chain, and, for a chain it has not witnessed yet, one query.

    What is signed is the head the server itself wrote to its witness file, not what the
    database says now: an entry appended behind Comuna's back (with a correct hash and head)
    is never vouched for by a signature."""
    key = private_key(chain)
    kept = last_witnessed(chain)
    if kept is not None:
        seq, digest, recorded_at = kept.seq, kept.hash, kept.data.get("recorded_at")
    else:
        head = published_head(chain)
        seq, digest = (head.seq, head.hash) if head else (0, GENESIS_HASH)
        # the head row moves with its entry and takes that entry's recording time
        recorded_at = utc_text(head.updated_at) if head else None
    document: dict = {
        "body": label,
        "chain": chain,
        "hash": digest,
        "public_key": public_key_hex(key),
        "recorded_at": recorded_at,
        "seq": seq,
    }
    document["signature"] = key.sign(signed_bytes(document)).hex()
    return document


def signature_problem(document: dict) -> str | None:
    """None if ``document`` carries a valid signature by the public key it names, else what
    is wrong."""
    missing = [name for name in (*SIGNED_FIELDS, "signature") if name not in document]
    if missing:
        return _("its signed head lacks %(fields)s") % {"fields": ", ".join(missing)}
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(document["public_key"]))
        signature = bytes.fromhex(document["signature"])
        public.verify(signature, signed_bytes(document))
    except (ValueError, TypeError):
        return _("its public key or signature is not hexadecimal of the right length")
    except InvalidSignature:
        return _("its signature does not match its content and public key")
    return None

"""Where a country's handover keys live: its private keys in a directory of its own (made
on first use in development), every country's public keys in a TOML file of configuration:

    [GT]
    encryption_key = "<base64 X25519 public key>"
    verify_key = "<base64 Ed25519 verify key>"
"""

from __future__ import annotations

import base64
import contextlib
import os
import tomllib
from pathlib import Path

from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

from shared.platform.handover_crypto import HandoverKeys, Peer

PRIVATE_KEY_FILE = "encryption.key"
SIGNING_KEY_FILE = "signing.key"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _load_or_create(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(_b64(os.urandom(32)))
    return base64.b64decode(path.read_text().strip())


def private_keys(directory: Path) -> tuple[PrivateKey, SigningKey]:
    """This country's keys; created (random, mode 0600) if the directory has none yet."""
    private = PrivateKey(_load_or_create(directory / PRIVATE_KEY_FILE))
    signing = SigningKey(_load_or_create(directory / SIGNING_KEY_FILE))
    return private, signing


def public_entry(directory: Path) -> dict[str, str]:
    """The public half of a country's keys, as its entry in the peers file."""
    private, signing = private_keys(directory)
    return {
        "encryption_key": _b64(bytes(private.public_key)),
        "verify_key": _b64(bytes(signing.verify_key)),
    }


def write_peers_file(path: Path, entries: dict[str, dict[str, str]]) -> Path:
    lines = []
    for country, entry in sorted(entries.items()):
        lines += [f"[{country.upper()}]"] + [f'{k} = "{v}"' for k, v in entry.items()] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path


def load_peers(path: Path) -> dict[str, Peer]:
    with path.open("rb") as source:
        table = tomllib.load(source)
    return {
        country.upper(): Peer(
            encryption_key=PublicKey(base64.b64decode(entry["encryption_key"])),
            verify_key=VerifyKey(base64.b64decode(entry["verify_key"])),
        )
        for country, entry in table.items()
    }


def load_keys(country: str, directory: Path, peers_file: Path) -> HandoverKeys:
    private, signing = private_keys(directory)
    return HandoverKeys(
        country=country.upper(),
        private_key=private,
        signing_key=signing,
        peers=load_peers(peers_file),
    )

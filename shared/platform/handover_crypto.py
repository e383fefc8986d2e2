"""Sealing and opening cross-border handovers (PyNaCl).

Sign, then seal: the sender signs the plaintext with its Ed25519 signing key, then seals
the signed message to the destination's X25519 public key (a sealed box: only the holder
of the destination's private key can open it, and it reveals nothing of the sender). The
envelope around it names only the sender, the destination and the schema version; the
regional broker and every other country see that and a ciphertext.

Opening checks, in order, and refuses with a reason a dead letter can carry: the envelope's
version; that it is addressed to us; that it opens with our key; that the sender is a
country we know; its signature by that sender; the plaintext's schema; that sender and
destination inside are those outside.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TypeVar

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey
from pydantic import BaseModel, ValidationError

from shared.contracts.handover import HANDOVER_SCHEMA_VERSION

Sealed = TypeVar("Sealed", bound=BaseModel)


class HandoverRejected(Exception):
    """A handover that cannot be trusted; the message is the reason, safe to publish."""


@dataclass(frozen=True)
class Peer:
    encryption_key: PublicKey
    verify_key: VerifyKey


@dataclass(frozen=True)
class HandoverKeys:
    """This country's private keys and every country's public ones (its own included)."""

    country: str
    private_key: PrivateKey
    signing_key: SigningKey
    peers: dict[str, Peer]

    def peer(self, country: str) -> Peer:
        try:
            return self.peers[country.upper()]
        except KeyError:
            raise HandoverRejected(f"no public keys configured for {country}") from None


def seal(payload: BaseModel, *, keys: HandoverKeys, destination: str) -> bytes:
    """The envelope (JSON bytes) of a plaintext, signed by us and sealed to ``destination``."""
    signed = keys.signing_key.sign(payload.model_dump_json().encode())
    ciphertext = SealedBox(keys.peer(destination).encryption_key).encrypt(bytes(signed))
    envelope = {
        "schema_version": HANDOVER_SCHEMA_VERSION,
        "sender": keys.country.upper(),
        "destination": destination.upper(),
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }
    return json.dumps(envelope).encode()


def envelope_of(body: bytes) -> dict[str, object]:
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HandoverRejected("not a handover envelope (invalid JSON)") from None
    if not isinstance(envelope, dict):
        raise HandoverRejected("not a handover envelope")
    if envelope.get("schema_version") != HANDOVER_SCHEMA_VERSION:
        raise HandoverRejected(f"unknown schema version {envelope.get('schema_version')!r}")
    for name in ("sender", "destination", "ciphertext"):
        if not isinstance(envelope.get(name), str):
            raise HandoverRejected(f"envelope without {name}")
    return envelope


def open_sealed(body: bytes, *, keys: HandoverKeys, model: type[Sealed]) -> Sealed:
    """The verified plaintext of an envelope addressed to us, or ``HandoverRejected``."""
    envelope = envelope_of(body)
    if str(envelope["destination"]).upper() != keys.country.upper():
        raise HandoverRejected(f"addressed to {envelope['destination']}, not {keys.country}")
    try:
        ciphertext = base64.b64decode(str(envelope["ciphertext"]), validate=True)
        signed = SealedBox(keys.private_key).decrypt(ciphertext)
    except (ValueError, CryptoError):
        raise HandoverRejected("undecryptable with this country's key") from None
    sender = str(envelope["sender"])
    try:
        plaintext = keys.peer(sender).verify_key.verify(signed)
    except BadSignatureError:
        raise HandoverRejected(f"bad signature: not signed by {sender}") from None
    return _checked(plaintext, model, sender=sender, destination=keys.country)


def _checked(plaintext: bytes, model: type[Sealed], *, sender: str, destination: str) -> Sealed:
    try:
        payload = model.model_validate_json(plaintext)
    except ValidationError as error:
        raise HandoverRejected(f"unknown schema: {error.errors()[0]['msg']}") from None
    inner_sender = str(getattr(payload, "sender_country", "")).upper()
    inner_destination = str(getattr(payload, "destination_country", "")).upper()
    if inner_sender != sender.upper() or inner_destination != destination.upper():
        raise HandoverRejected(
            f"misaddressed: sealed as {inner_sender} to {inner_destination}, "
            f"sent as {sender} to {destination}"
        )
    return payload

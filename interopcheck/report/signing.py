"""Signed self-certification: Ed25519 keys, detached signatures over a report's exact bytes.

The signature covers report.json byte for byte (the JSON writer's output is deterministic for
a run), so any edited byte fails verification; the manifest inside names the profile and
schema digests, the supplier and the signer's key fingerprint, so they are covered too. Keys
are PEM (PKCS #8 private, SubjectPublicKeyInfo public): ``openssl pkey`` reads them as well.
A private key is encrypted when ``INTEROPCHECK_KEY_PASSPHRASE`` is set; the passphrase is only
ever read from the environment, so it never appears in a command line, a report or a log.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interopcheck.errors import SigningError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

PASSPHRASE_ENV = "INTEROPCHECK_KEY_PASSPHRASE"
SIGNATURE_SUFFIX = ".sig"
ALGORITHM = "Ed25519"


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """``SHA256:<base64>`` of the raw public key, as OpenSSH prints key fingerprints."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def _passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode() if value else None


def generate_keys(private_path: Path) -> tuple[Path, str]:
    """Write ``NAME`` (private, mode 0600) and ``NAME.pub``; refuse to overwrite either."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public_path = private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise SigningError(f"{path}: already exists; refusing to overwrite a key")
    key = Ed25519PrivateKey.generate()
    passphrase = _passphrase()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        private_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem)
        fd = os.open(public_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(public_pem)
    except OSError as exc:
        raise SigningError(f"{private_path}: cannot write key: {exc.strerror or exc}") from None
    return public_path, fingerprint(key.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = _read(path, "private key")
    try:
        key = serialization.load_pem_private_key(data, password=_passphrase())
    except TypeError:
        raise SigningError(
            f"{path}: the private key is encrypted: set {PASSPHRASE_ENV}"
            if _passphrase() is None
            else f"{path}: the private key is not encrypted: unset {PASSPHRASE_ENV}"
        ) from None
    except ValueError:
        raise SigningError(
            f"{path}: not a readable PEM private key (or the passphrase in {PASSPHRASE_ENV} "
            "is wrong)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(
            f"{path}: not an Ed25519 key (make one with `interopcheck keys generate`)"
        )
    return key


#: Encodings of the Ed25519 points of small order (the identity among them), canonical and
#: not, as libsodium's blocklist has them: a "public key" among these verifies forgeries.
SMALL_ORDER_KEYS = frozenset(
    {
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    }
)


def load_public_key(path: Path) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    data = _read(path, "public key")
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise SigningError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningError(f"{path}: not an Ed25519 public key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if raw.hex() in SMALL_ORDER_KEYS:
        raise SigningError(
            f"{path}: a small-order Ed25519 point, not a real public key (signatures under it "
            "prove nothing)"
        )
    return key


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SigningError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None


def signature_path(report: Path) -> Path:
    return report.with_name(report.name + SIGNATURE_SUFFIX)


def sign_bytes(data: bytes, key: Ed25519PrivateKey) -> str:
    """The detached signature document (JSON text) for ``data``."""
    document = {
        "algorithm": ALGORITHM,
        "keyFingerprint": fingerprint(key.public_key()),
        "reportSha256": hashlib.sha256(data).hexdigest(),
        "signature": base64.b64encode(key.sign(data)).decode(),
    }
    return json.dumps(document, indent=2) + "\n"


@dataclass(frozen=True)
class SignatureCheck:
    ok: bool
    reason: str
    """Why it failed, or who signed, in words."""


def check_signature(
    data: bytes, signature_text: bytes, public_key: Ed25519PublicKey
) -> SignatureCheck:
    """Whether ``signature_text`` (a .sig document) is ``public_key``'s signature of ``data``."""
    from cryptography.exceptions import InvalidSignature

    try:
        document = json.loads(signature_text)
        signature = base64.b64decode(document["signature"], validate=True)
        algorithm = document["algorithm"]
        signer = document["keyFingerprint"]
        recorded_sha256 = document["reportSha256"]
    except (ValueError, KeyError, TypeError):
        return SignatureCheck(False, "the signature file is not an interopcheck signature")
    expected = fingerprint(public_key)
    if algorithm != ALGORITHM:
        return SignatureCheck(False, f"unsupported signature algorithm {str(algorithm)[:20]!r}")
    if signer != expected:
        return SignatureCheck(
            False, f"signed by key {str(signer)[:60]}, not by the key given ({expected})"
        )
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return SignatureCheck(
            False,
            "the signature does not match the report's bytes: the report was changed after "
            "it was signed",
        )
    if recorded_sha256 != hashlib.sha256(data).hexdigest():
        return SignatureCheck(
            False, "the signature file records another report's SHA-256 (reportSha256)"
        )
    return SignatureCheck(True, f"signed by {expected}")

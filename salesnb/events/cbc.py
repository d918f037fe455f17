"""The AES-256-CBC and PKCS#7 primitives the platforms' event callbacks use (``cryptography``)."""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ..errors import EventError
from . import messages  # noqa: F401  (registers the texts)


def pad(data: bytes, block: int) -> bytes:
    """PKCS#7 padding to a multiple of ``block`` bytes (WeCom and DingTalk pad to 32, Feishu to 16)."""
    n = block - len(data) % block
    return data + bytes([n]) * n


def unpad(data: bytes, block: int = 32) -> bytes:
    """Remove PKCS#7 padding; a pad byte outside 1..block is an error (a wrong key, a forged text)."""
    if not data:
        raise EventError("events.decrypt")
    n = data[-1]
    if not 1 <= n <= block or len(data) < n or data[-n:] != bytes([n]) * n:
        raise EventError("events.decrypt")
    return data[:-n]


def encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-CBC over already padded ``data``."""
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-CBC decryption (padding left on); a length that is not whole blocks is an error."""
    if not data or len(data) % 16:
        raise EventError("events.decrypt")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()

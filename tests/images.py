"""Images for upload tests, built by hand so that they stay tiny: bombs among them."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(width: int, height: int, pixel_data: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(pixel_data, 9))
        + _chunk(b"IEND", b"")
    )


def png_claiming(width: int = 40_000, height: int = 40_000) -> bytes:
    """A PNG of a few dozen bytes whose header claims `width` × `height` pixels."""
    return _png(width, height, b"\x00" * 64)


@functools.cache
def png_bomb(side: int = 7_000) -> bytes:
    """A real decompression bomb: about 50 KB that decode to `side`² pixels (49 million)."""
    return _png(side, side, (b"\x00" + b"\x00" * side) * side)


def png_small() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="PNG")
    return out.getvalue()

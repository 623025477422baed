"""Uploaded and user-sent files: ids, paths, bytes, image sizes.

Telegram hands out opaque ``file_id``s, a stable ``file_unique_id`` and a
``file_path`` for ``/file/bot<token>/<path>`` downloads; the emulator keeps
the bytes in memory so a bot's getFile + download round trip is real.
"""

from __future__ import annotations

import itertools
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from bot.localapi.errors import (
    FILE_EMPTY,
    IMAGE_PROCESS_FAILED,
    PHOTO_INVALID_DIMENSIONS,
    bad_request,
)

_ID_PREFIX = {"document": "BQACAgIAAxkBAAI", "photo": "AgACAgIAAxkBAAI"}
_DIR = {"document": "documents", "photo": "photos"}
_THUMB_SIDES = (90, 320, 800)


@dataclass
class StoredFile:
    """One file Telegram would keep on its servers."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    def file_object(self) -> dict[str, Any]:
        """The ``File`` object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def document_object(self) -> dict[str, Any]:
        """The ``Document`` object inside a message."""
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = len(self.data)
        return doc


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG/JPEG/GIF/WebP header, or None if not an image."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return int(width) & 0x3FFF, int(height) & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            height = int.from_bytes(data[27:30], "little") + 1
            return width, height
        return None
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return None


class FileStore:
    """All files by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._thumbs: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def clear(self) -> None:
        """Forget every file (emulator reset)."""
        self._by_id.clear()
        self._by_path.clear()
        self._thumbs.clear()

    def get(self, file_id: str) -> StoredFile | None:
        """A file by its id."""
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        """A file by the path getFile handed out."""
        return self._by_path.get(path)

    def add(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        unique_id: str | None = None,
    ) -> StoredFile:
        """Store bytes under a fresh Telegram-looking file_id."""
        if not data:
            raise bad_request(FILE_EMPTY)
        number = next(self._counter)
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photo":
            extension = ".jpg"
        stored = StoredFile(
            file_id=_ID_PREFIX.get(kind, "BQACAgIAAxkBAAI") + secrets.token_urlsafe(40),
            file_unique_id=unique_id or "AgAD" + secrets.token_urlsafe(9),
            data=data,
            file_path=f"{_DIR.get(kind, 'documents')}/file_{number}{extension}",
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, data: bytes, file_name: str | None = None) -> list[dict[str, Any]]:
        """Store a photo; return the PhotoSize array Telegram returns (thumbnails + original).

        Raises Telegram's errors for bytes that are not a decodable image.
        """
        if not data:
            raise bad_request(FILE_EMPTY)
        size = image_size(data)
        if size is None:
            raise bad_request(IMAGE_PROCESS_FAILED)
        width, height = size
        if width <= 0 or height <= 0 or width + height > 10000:
            raise bad_request(PHOTO_INVALID_DIMENSIONS)
        if max(width, height) / min(width, height) > 20:
            raise bad_request(PHOTO_INVALID_DIMENSIONS)
        original = self.add(data, "photo", file_name=file_name, width=width, height=height)
        return self.photo_sizes(original)

    def photo_sizes(self, original: StoredFile) -> list[dict[str, Any]]:
        """PhotoSize array for a stored photo: scaled-down sizes first, original last."""
        width, height = original.width or 1, original.height or 1
        longest = max(width, height)
        sizes: list[dict[str, Any]] = []
        for side in _THUMB_SIDES:
            if longest <= side:
                break
            ratio = side / longest
            thumb_w, thumb_h = max(1, round(width * ratio)), max(1, round(height * ratio))
            thumb = self._thumbnail(original, side, thumb_w, thumb_h)
            sizes.append(_photo_size(thumb, max(1, int(len(original.data) * ratio * ratio))))
        sizes.append(_photo_size(original, len(original.data)))
        return sizes

    def _thumbnail(self, original: StoredFile, side: int, width: int, height: int) -> StoredFile:
        key = f"{original.file_unique_id}_{side}"
        if key not in self._thumbs:
            self._thumbs[key] = self.add(
                original.data, "photo", width=width, height=height, unique_id=key
            )
        return self._thumbs[key]


def _photo_size(stored: StoredFile, file_size: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": file_size,
        "width": stored.width,
        "height": stored.height,
    }

"""Files: getFile, and the file server at ``{base_file_url}/{file_path}`` that PTB's
`File.download_*` read from. Every file the simulated users send can be fetched (its bytes are
made up unless a test gives them); a file id the fake never issued answers 400 as Telegram
does."""

from __future__ import annotations

from tests.helpers.telegram.fake_bot_api.state import ApiState
from tests.helpers.telegram.fake_bot_api.wire import JSON, ApiError

# Where Telegram keeps each kind, and the extension its file_path ends with.
_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "voice": ("voice", ".oga"),
    "video_note": ("video_notes", ".mp4"),
    "video": ("videos", ".mp4"),
    "animation": ("animations", ".mp4"),
    "audio": ("music", ".mp3"),
    "sticker": ("stickers", ".webp"),
    "document": ("documents", ".txt"),
}
INVALID_FILE_ID = "Bad Request: invalid file_id"


class Files(ApiState):
    """getFile and the bytes behind it."""

    def put_file(self, file_id: str, data: bytes) -> None:
        """What downloading `file_id` gives (any issued file id, or a new one)."""
        self.file_contents[file_id] = data

    def forget_file(self, file_id: str) -> None:
        """The file is gone from Telegram's servers: getFile answers 400 for it, and a path
        getFile gave before answers 404."""
        self._gone_files.add(file_id)

    def _file_bytes(self, file_id: str) -> bytes | None:
        if file_id in self._gone_files:
            return None
        if file_id in self.file_contents:
            return self.file_contents[file_id]
        if file_id.removesuffix("-s") in self._issued_files:
            return f"fake file {file_id}".encode()
        return None

    def _get_file(self, p: JSON) -> JSON:
        file_id = p.get("file_id")
        data = self._file_bytes(file_id) if isinstance(file_id, str) else None
        if not isinstance(file_id, str) or data is None:
            raise ApiError(400, INVALID_FILE_ID)
        path = next((path for path, known in self._file_paths.items() if known == file_id), None)
        if path is None:
            kind = self._issued_files.get(file_id.removesuffix("-s"), "document")
            folder, extension = _FOLDERS.get(kind, ("documents", ""))
            path = f"{folder}/file_{len(self._file_paths)}{extension}"
            self._file_paths[path] = file_id
        return {
            "file_id": file_id,
            "file_unique_id": f"uniq-{file_id[-12:]}",
            "file_size": len(data),
            "file_path": path,
        }

    def _download(self, token: str, path: str) -> tuple[int, bytes | None]:
        """The file at `path` (as getFile named it), or 401/404 as Telegram answers."""
        if token != self.token:
            return 401, None
        self.downloads.append(path)
        file_id = self._file_paths.get(path)
        data = self._file_bytes(file_id) if file_id is not None else None
        return (404, None) if data is None else (200, data)

"""Content types for private downloads, decided by the server, never by the uploader.

The browser that uploaded a file chose its Content-Type: "text/html" or "image/svg+xml" on a
file named "perizia.pdf" must not come back to staff or customers as that type.
"""

from pathlib import Path

# Only formats the shop accepts (answers, quote messages, outcome files); anything else is
# served as opaque bytes.
SAFE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "p7m": "application/pkcs7-mime",
    "zip": "application/zip",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def download_content_type(filename: str) -> str:
    """The Content-Type to serve `filename` with, from its extension and a fixed list."""
    extension = Path(filename or "").suffix.lower().lstrip(".")
    return SAFE_CONTENT_TYPES.get(extension, FALLBACK_CONTENT_TYPE)

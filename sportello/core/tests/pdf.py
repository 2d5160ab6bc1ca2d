"""Reading the PDFs the shop writes, in tests."""

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def is_tagged(pdf: bytes) -> bool:
    """The PDF has a structure tree (tagged for screen readers): its catalogue names a
    /StructTreeRoot and declares /MarkInfo, possibly inside compressed object streams."""
    texts = [pdf]
    for raw in _STREAM.findall(pdf):
        try:
            texts.append(zlib.decompress(raw))
        except zlib.error:
            continue
    joined = b"\n".join(texts)
    return b"/StructTreeRoot" in joined and b"/MarkInfo" in joined

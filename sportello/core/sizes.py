"""File sizes as Italian readers write them."""

from django.template.defaultfilters import filesizeformat


def file_size(value) -> str:
    """Django's `filesizeformat` ("45 byte", "382,8 KB"): its Italian catalogue writes the
    plural "bytes", which Italian does not use."""
    return str(filesizeformat(value)).replace("bytes", "byte")

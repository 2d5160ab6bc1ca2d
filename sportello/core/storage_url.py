"""STORAGE_URL parsing, kept free of Django imports: settings.py reads it at start-up."""

from urllib.parse import parse_qs, unquote, urlsplit

from sportello.core.env import ImproperEnvValue


def parse_storage_url(url: str) -> dict[str, str]:
    """`s3://KEY:SECRET@host:port/bucket?region=eu-south-1&secure=0` -> django-storages options.

    Empty means "not configured" ({}). `secure=0` talks plain HTTP to the endpoint (a local
    SeaweedFS or MinIO); without a host the endpoint is AWS's own.
    """
    if not url:
        return {}
    parts = urlsplit(url)
    bucket = parts.path.strip("/")
    if parts.scheme != "s3" or not bucket or "/" in bucket:
        raise ImproperEnvValue(
            "STORAGE_URL must look like s3://KEY:SECRET@host:port/bucket (got a different shape)"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    options = {"bucket_name": bucket}
    if parts.username:
        options["access_key"] = unquote(parts.username)
    if parts.password:
        options["secret_key"] = unquote(parts.password)
    if parts.hostname:
        scheme = "http" if query.get("secure", "1") in {"0", "false", "False"} else "https"
        port = f":{parts.port}" if parts.port else ""
        options["endpoint_url"] = f"{scheme}://{parts.hostname}{port}"
    if query.get("region"):
        options["region_name"] = query["region"]
    return options

"""Where an anonymous visitor's cart state lives in the session.

The ids are stored under fixed names (not under the session key, which Django cycles at login).
"""

SESSION_CART_IDS = "cart_ids"
# Anonymous uploads are tagged with this per-session token (stored in Upload.session_key)
# rather than Django's session key, which has already changed when uploads are re-owned at login.
SESSION_UPLOAD_KEY = "anonymous_upload_key"


def session_cart_ids(request) -> dict[str, int]:
    """{"purchase": id, "quote": id} for an anonymous visitor's carts (possibly empty)."""
    session = getattr(request, "session", None)
    if session is None:
        return {}
    raw = session.get(SESSION_CART_IDS) or {}
    return {kind: cart_id for kind, cart_id in raw.items() if isinstance(cart_id, int)}


def session_upload_key(request) -> str:
    session = getattr(request, "session", None)
    if session is None:
        return ""
    return session.get(SESSION_UPLOAD_KEY) or ""

"""The cart's answer to allauth's `user_logged_in` (a third-party event, not our control flow)."""

from sportello.cart.actions import merge_anonymous_carts


def merge_carts_at_login(sender, *, request, user, **kwargs) -> None:
    """What the visitor put in the carts before logging in stays in them afterwards."""
    merge_anonymous_carts(request=request, user=user)

from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "sportello.cart"
    label = "cart"
    verbose_name = "Carrello"

    def ready(self) -> None:
        # allauth announces every completed login (password, code, sign-up) with its own signal;
        # the cart listens to it, so accounts, below the cart, never has to call up into it.
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from allauth.account.signals import user_logged_in

        from sportello.cart.receivers import merge_carts_at_login

        user_logged_in.connect(merge_carts_at_login, dispatch_uid="cart-merge-at-login")

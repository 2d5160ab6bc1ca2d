from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "sportello.companies"
    label = "companies"
    verbose_name = "Account aziendali"

    def ready(self) -> None:
        from sportello.accounts.buyer_kind import decide_kind_at_login_with
        from sportello.companies.queries import buyer_kind_of_member

        # A member buys for the company: prices net + VAT ("Azienda") from the login on.
        decide_kind_at_login_with(buyer_kind_of_member)

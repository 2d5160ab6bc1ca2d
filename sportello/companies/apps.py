from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "sportello.companies"
    label = "companies"
    verbose_name = "Account aziendali"

    def ready(self) -> None:
        from sportello.accounts.billing_notices import add_billing_notice
        from sportello.accounts.buyer_kind import decide_kind_at_login_with
        from sportello.companies.queries import billing_notice_for_member, buyer_kind_of_member

        # A member buys for the company: prices net + VAT ("Azienda") from the login on.
        decide_kind_at_login_with(buyer_kind_of_member)
        # ...and is billed with its data: DATI DI FATTURAZIONE says so.
        add_billing_notice(billing_notice_for_member)

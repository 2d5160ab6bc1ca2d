"""What a signed-in customer need not type again: answers known from the account."""

from sportello.accounts.models import BillingProfile, User

# The form-field keys staff use for the contact person and the company (see the demo
# catalogue's blocks): a service form with such a field starts filled in.
REFERENTE_KEY = "referente"
EMAIL_KEY = "email"
COMPANY_KEY = "ragione_sociale"


def contact_answers(user: User) -> dict[str, str]:
    """Initial answers from the account: referente, e-mail and company (when known)."""
    if not user.is_authenticated:
        return {}
    answers = {EMAIL_KEY: user.email}
    full_name = user.get_full_name().strip()
    profile = (
        BillingProfile.objects.filter(user=user)
        .only("first_name", "last_name", "company_name")
        .first()
    )
    if profile is not None:
        if profile.company_name:
            answers[COMPANY_KEY] = profile.company_name
        full_name = full_name or f"{profile.first_name} {profile.last_name}".strip()
    if full_name:
        answers[REFERENTE_KEY] = full_name
    return answers

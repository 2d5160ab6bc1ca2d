from sportello.accounts.models import User


def update_profile(*, user: User, first_name: str, last_name: str, phone: str) -> User:
    """The customer's own personal data as shown in PROFILO (e-mail and password are separate)."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.phone = phone.strip()
    user.save(update_fields=["first_name", "last_name", "phone"])
    return user

"""Password validators whose messages Django's Italian catalogue does not translate.

Django 5.2 marks the "too short" message with a ``%d`` placeholder while its Italian catalogue
translates the ``%(min_length)d`` form, so the message stays in English. The shop speaks Italian
only: the message is written here.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        if self.min_length == 1:
            return "Questa password è troppo corta: deve contenere almeno 1 carattere."
        return f"Questa password è troppo corta: deve contenere almeno {self.min_length} caratteri."

    def validate(self, password, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                self.get_error_message(),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return f"La password deve contenere almeno {self.min_length} caratteri."

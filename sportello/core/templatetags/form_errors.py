from django import template

register = template.Library()


@register.filter
def has_password_fields(form) -> bool:
    """Whether the form asks for passwords: those are never sent back to the browser (Django's
    PasswordInput), so after an error they must be typed again and the page says so."""
    return any(field.widget_type == "password" for field in form.visible_fields())

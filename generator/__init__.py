"""svcsite: service-transparency sites for security-systems SLAs."""

__version__ = "0.1.0"


def N_(message: str) -> str:  # gettext's name for "mark now, translate when shown"
    """Marks a message for extraction where it is declared (a figure's title, a column's
    description); `generator.site.i18n` translates it where a page shows it. Here, so that
    the input stage declares its messages without importing the site stage."""
    return message

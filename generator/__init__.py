"""svcsite: service-transparency sites for security-systems SLAs."""

__version__ = "0.1.0"

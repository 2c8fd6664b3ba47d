"""Confidentiality and safety: text as data never markup, redaction of personal data, and the
audit of built sites."""

"""The sites: charts, pages from templates, and one MkDocs + Material site per client (with
the hooks that run inside MkDocs)."""

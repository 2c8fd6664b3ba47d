"""Load and validate: clients.yml and the CSV exports in, typed tables and the data-quality
report out (the first stage, and the only input I/O)."""

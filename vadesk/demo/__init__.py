"""A realistic demo practice, and the commands that load it and run vadesk locally."""

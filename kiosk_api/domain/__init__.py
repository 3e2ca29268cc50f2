"""Pure domain logic of the one-stop desk: no I/O, no database."""

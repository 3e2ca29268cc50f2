"""What the kiosk API and the Rasa bot must read alike (see README.md): one source, installed in both environments."""

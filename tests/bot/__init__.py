"""Tests of the Rasa assistant end to end."""

"""Helpers shared by the tests and the benches: ports, live servers, browsers, the Rasa stack, fakes, eval sets."""

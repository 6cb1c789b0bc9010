"""Hostile input for tests/test_hostile.py: the values, and the URLs to send them to."""

"""Hostile input for tests/hostile/test_hostile.py: the values, and the URLs to send them to."""

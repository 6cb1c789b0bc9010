"""The miss log: what staff searched for, whether it found anything, and whether they opened
a result, kept without personal data so editors can fix the searches that fail."""

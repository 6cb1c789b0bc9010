"""The load benchmark: Pravila's pages against a bare one-template Django view, under gunicorn."""

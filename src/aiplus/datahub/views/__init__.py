"""Pages of the datahub, one module per sub-domain (urls.py imports each)."""

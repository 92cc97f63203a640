"""Forwarding stored statements to external LRSs (outbox) and pulling statements from them."""

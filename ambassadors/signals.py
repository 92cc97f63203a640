"""What `ambassadors` announces to the apps above it (`maps` subscribes in its AppConfig.ready())."""

from django.dispatch import Signal

# school_ids: the schools whose proposals or confirmed ambassadors changed; None: every school
#   (the nightly pass). Sent inside the transaction that changed them.
coverage_changed = Signal()

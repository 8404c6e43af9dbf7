"""Events other areas may react to, sent after the transaction commits."""

from django.dispatch import Signal

# A review request was filed, assigned or answered. Arguments: request_id.
review_changed = Signal()

"""Events other areas may react to. Sent from services after the transaction commits, so a
receiver never sees (or mails about) a change that was rolled back."""

from django.dispatch import Signal

# An appraiser asked the commune to explain some indicators. Arguments: assessment_id.
explanation_requested = Signal()

# A decision was issued. Arguments: decision_id, actor (who issued it). Unlike the others it is
# sent inside the issuing transaction, so a receiver's writes commit or roll back with the decision.
decision_issued = Signal()

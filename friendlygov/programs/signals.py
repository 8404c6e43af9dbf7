"""Events other areas react to.

`rules_saved`: a program has a new rule version. Arguments: program_id, version_id, actor. Sent
inside the saving transaction, so what a receiver writes (the assessments area banding again the
appraised units of the program's undecided cycles) commits or rolls back with the version.
"""

from django.dispatch import Signal

rules_saved = Signal()

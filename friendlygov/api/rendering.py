"""How the API writes JSON: every timestamp in the deployment's time zone, with its offset.

The database keeps instants in UTC (USE_TZ); people and the documents read Vietnam time. The API
says one thing everywhere: `2025-01-15T08:30:00+07:00` (TIME_ZONE, Asia/Ho_Chi_Minh), never `Z`.
A client that compares instants is unaffected (the same moment either way); one that shows the text
or takes the date part shows the day the officials lived, not the UTC one (an action at 06:30 on
1 January in Hải Phòng is 23:30 on 31 December in UTC). Every answer of the API goes through
`LocalTimeRenderer`, and the webhooks send their bodies through `LocalTimeEncoder` too.
"""

from datetime import datetime

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class LocalTimeEncoder(NinjaJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder

"""The client's network address, the same for the login lockout, the audit trail and the survey limits.

Behind TRUSTED_PROXY_COUNT reverse proxies each proxy appends the address it was reached from to
X-Forwarded-For, so the client is that many entries from the right; anything further left was sent
by the client and is ignored. Without proxies the header is ignored altogether and the connection's
own address (REMOTE_ADDR) is the client.
"""

from django.conf import settings
from python_ipware import IpWare


def client_address(request) -> str:
    """The client's IP address as text; empty when the request carries none that is valid."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        # python-ipware counts the proxies listed after the client; the last proxy is REMOTE_ADDR.
        forwarded = IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1)
        address, _ = forwarded.get_client_ip(request.META, strict=False)
        if address is not None:
            return str(address)
    address, _ = IpWare(precedence=("REMOTE_ADDR",)).get_client_ip(request.META)
    return "" if address is None else str(address)

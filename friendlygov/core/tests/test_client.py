import pytest
from django.test import RequestFactory

from friendlygov.core.client import client_address

CLIENT, PROXY, FORGED = "203.0.113.7", "10.0.0.2", "198.51.100.66"


def request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR=meta.pop("remote", CLIENT), **meta)


def test_it_takes_the_connection_address_of_a_direct_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request()) == CLIENT


def test_it_ignores_a_forwarded_header_sent_straight_to_the_app(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(HTTP_X_FORWARDED_FOR=FORGED)) == CLIENT


def test_it_takes_the_address_the_trusted_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(remote=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)) == CLIENT


def test_it_ignores_what_the_client_put_before_the_proxys_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forwarded = f"{FORGED}, {CLIENT}"
    assert client_address(request(remote=PROXY, HTTP_X_FORWARDED_FOR=forwarded)) == CLIENT


def test_it_counts_back_one_entry_per_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = f"{FORGED}, {CLIENT}, 10.0.0.1"
    assert client_address(request(remote=PROXY, HTTP_X_FORWARDED_FOR=forwarded)) == CLIENT


@pytest.mark.parametrize("forwarded", ["", "unknown"])
def test_behind_a_proxy_without_a_usable_header_it_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(remote=PROXY, HTTP_X_FORWARDED_FOR=forwarded)) == PROXY


def test_it_is_empty_when_the_request_carries_no_valid_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(remote="")) == ""

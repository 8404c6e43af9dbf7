"""What is answered to a signed-in person is kept by no shared cache (shared office computers,
proxies): pages and files `private, no-store`, API answers `private, no-cache`."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_is_private_and_not_stored(admin_client):
    response = admin_client.get(reverse("assessments:list"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_api_answer_to_a_session_or_a_token_is_private_and_revalidated(admin_client, client):
    from friendlygov.api.tokens import create_token

    assert admin_client.get("/api/v1/units?limit=1")["Cache-Control"] == "private, no-cache"
    _token, secret = create_token(admin_client.user, name="kho dữ liệu", actor=None)
    answer = client.get("/api/v1/assessments?limit=1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-cache"


def test_a_public_page_for_someone_not_signed_in_is_left_to_the_caches(anonymous):
    response = anonymous.get(reverse("public:results"))
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


def test_a_view_that_sets_its_own_cache_control_keeps_it(admin_client):
    response = admin_client.get(reverse("two_factor"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "must-revalidate" in response["Cache-Control"]

"""The assessment area's 2024 cycle (self-assessment closes 30/11/2024, appraisal due 31/12/2024)
and its personas, each with an e-mail address."""

import pytest


@pytest.fixture
def staff(people):
    """officer, chair (Đồng Cẩm), appraiser, head (Kim Thành), outsiders, with e-mail addresses."""
    for name, client in people.items():
        client.user.email = f"{name}@example.gov.vn"
        client.user.save(update_fields=["email"])
    return people

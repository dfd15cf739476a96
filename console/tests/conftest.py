import pytest

from participants.models import PlatformOperator
from participants.tests.factories import UserFactory


@pytest.fixture
def operator(db):
    """The consultancy's staff: a platform operator, member of no organisation."""
    user = UserFactory(email="drift@konsultbolaget.test", full_name="Olle Operatör")
    PlatformOperator.objects.create(user=user)
    return user

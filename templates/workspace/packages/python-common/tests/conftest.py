import pytest
from python_common.testing import admin_database_url


@pytest.fixture
def admin_url() -> str:
    return admin_database_url()

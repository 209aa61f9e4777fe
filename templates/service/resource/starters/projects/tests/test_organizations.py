import datetime as dt
from collections.abc import Callable
from uuid import UUID, uuid4

from fastapi.testclient import TestClient
from python_common.security import create_access_token
from python_common.settings import ServiceSettings
from python_common.testing import SignedInUser

MakeUser = Callable[[str], SignedInUser]
MakeOrganization = Callable[[SignedInUser, str], UUID]


def test_a_member_reads_their_organization_with_their_role(
    client: TestClient, make_user: MakeUser, make_organization: MakeOrganization
) -> None:
    ada = make_user("ada@example.com")
    org = make_organization(ada, "analytical-engines")

    response = client.get(f"/organizations/{org}", headers=ada.headers)

    assert response.status_code == 200
    assert response.json() == {
        "id": str(org),
        "name": "Analytical Engines",
        "slug": "analytical-engines",
        "role": "owner",
    }


def test_another_organizations_member_gets_404_from_the_database(
    client: TestClient, make_user: MakeUser, make_organization: MakeOrganization
) -> None:
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    ada_org = make_organization(ada, "analytical-engines")
    make_organization(bob, "difference-engines")

    assert client.get(f"/organizations/{ada_org}", headers=bob.headers).status_code == 404
    assert client.get(f"/organizations/{uuid4()}", headers=bob.headers).status_code == 404


def test_without_a_valid_access_token_it_is_401(
    client: TestClient,
    make_user: MakeUser,
    make_organization: MakeOrganization,
    settings: ServiceSettings,
) -> None:
    ada = make_user("ada@example.com")
    org = make_organization(ada, "analytical-engines")
    path = f"/organizations/{org}"
    secret = settings.jwt_secret.get_secret_value()
    expired = create_access_token(str(ada.id), secret=secret, expires_in=dt.timedelta(minutes=-1))
    forged = create_access_token(str(ada.id), secret="f" * 64, expires_in=dt.timedelta(minutes=5))
    anon = create_access_token(
        str(ada.id), secret=secret, expires_in=dt.timedelta(minutes=5), claims={"role": "anon"}
    )

    missing = client.get(path)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    for token in ("not.a.jwt", expired, forged, anon):
        assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 401

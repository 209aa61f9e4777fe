import datetime as dt
from collections.abc import Callable

import psycopg
from fastapi.testclient import TestClient
from python_common.security import create_access_token
from python_common.settings import ServiceSettings
from python_common.testing import SignedInUser

MakeUser = Callable[[str], SignedInUser]


def test_a_signed_in_user_reads_their_own_profile(client: TestClient, make_user: MakeUser) -> None:
    ada = make_user("ada@example.com")
    make_user("bob@example.com")

    response = client.get("/profile", headers=ada.headers)

    assert response.status_code == 200
    assert response.json() == {"id": str(ada.id), "full_name": "Ada", "avatar_url": None}


def test_a_token_whose_user_was_deleted_gets_404(
    client: TestClient, make_user: MakeUser, owner_url: str
) -> None:
    ada = make_user("ada@example.com")
    with psycopg.connect(owner_url) as conn:
        conn.execute("DELETE FROM auth.users WHERE id = %s", (ada.id,))

    assert client.get("/profile", headers=ada.headers).status_code == 404


def test_without_a_valid_access_token_it_is_401(
    client: TestClient, make_user: MakeUser, settings: ServiceSettings
) -> None:
    ada = make_user("ada@example.com")
    secret = settings.jwt_secret.get_secret_value()
    expired = create_access_token(str(ada.id), secret=secret, expires_in=dt.timedelta(minutes=-1))
    forged = create_access_token(str(ada.id), secret="f" * 64, expires_in=dt.timedelta(minutes=5))
    anon = create_access_token(
        str(ada.id), secret=secret, expires_in=dt.timedelta(minutes=5), claims={"role": "anon"}
    )

    missing = client.get("/profile")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    for token in ("not.a.jwt", expired, forged, anon):
        response = client.get("/profile", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from python_common.security import create_access_token
from python_common.settings import ServiceSettings

PASSWORD = "correct horse battery"


def register(client: TestClient, email: str = "ada@example.com", **fields: object) -> Response:
    return client.post("/auth/register", json={"email": email, "password": PASSWORD, **fields})


def login(client: TestClient, email: str = "ada@example.com", password: str = PASSWORD) -> Response:
    return client.post("/auth/login", json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_creates_a_user_and_never_returns_the_password(client: TestClient) -> None:
    response = register(client, full_name="Ada Lovelace")

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["full_name"] == "Ada Lovelace"
    uuid.UUID(body["id"])
    assert set(body) == {"id", "email", "full_name", "created_at"}


def test_register_stores_the_user_in_the_service_schema_with_a_bcrypt_hash(
    client: TestClient, db_schema: str
) -> None:
    register(client)

    with client.app.state.pool.connection() as conn:
        row = conn.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'users'"
        ).fetchall()
        stored = conn.execute(f"SELECT hashed_password FROM {db_schema}.users").fetchone()  # noqa: S608
    assert row == [(db_schema,)]
    assert stored is not None
    assert stored[0].startswith("$2b$")


def test_register_with_a_taken_email_is_409_whatever_its_case(client: TestClient) -> None:
    assert register(client).status_code == 201

    response = register(client, email="ADA@Example.com")

    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "@example.com", ""])
def test_register_with_an_invalid_email_is_422(client: TestClient, email: str) -> None:
    response = register(client, email=email)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "email"]


@pytest.mark.parametrize("password", ["short", " " * 12, "x" * 73])
def test_register_with_an_unacceptable_password_is_422(client: TestClient, password: str) -> None:
    response = client.post(
        "/auth/register", json={"email": "ada@example.com", "password": password}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


def test_login_returns_a_bearer_token(client: TestClient) -> None:
    register(client)

    response = login(client, email="Ada@Example.com")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 30 * 60
    assert body["access_token"].count(".") == 2


def test_login_with_a_wrong_password_is_401(client: TestClient) -> None:
    register(client)

    response = login(client, password="wrong password")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_login_with_an_unknown_email_is_the_same_401(client: TestClient) -> None:
    register(client)
    wrong_password = login(client, password="wrong password")

    unknown_email = login(client, email="nobody@example.com")

    assert unknown_email.status_code == 401
    assert unknown_email.json() == wrong_password.json()


def test_me_returns_the_user_the_token_was_issued_to(client: TestClient) -> None:
    registered = register(client, full_name="Ada Lovelace").json()
    token = login(client).json()["access_token"]

    response = client.get("/auth/me", headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == registered


def test_me_without_a_token_is_401(client: TestClient) -> None:
    response = client.get("/auth/me")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_with_a_garbage_token_is_401(client: TestClient) -> None:
    assert client.get("/auth/me", headers=bearer("not.a.jwt")).status_code == 401


def test_me_with_a_token_signed_by_another_secret_is_401(client: TestClient) -> None:
    user_id = register(client).json()["id"]
    forged = create_access_token(user_id, secret="f" * 64, expires_in=dt.timedelta(minutes=5))

    assert client.get("/auth/me", headers=bearer(forged)).status_code == 401


def test_me_with_an_expired_token_is_401(client: TestClient, settings: ServiceSettings) -> None:
    user_id = register(client).json()["id"]
    expired = create_access_token(
        user_id,
        secret=settings.jwt_secret.get_secret_value(),
        expires_in=dt.timedelta(minutes=-1),
    )

    assert client.get("/auth/me", headers=bearer(expired)).status_code == 401


def test_me_for_a_user_that_no_longer_exists_is_401(
    client: TestClient, settings: ServiceSettings
) -> None:
    token = create_access_token(
        str(uuid.uuid4()),
        secret=settings.jwt_secret.get_secret_value(),
        expires_in=dt.timedelta(minutes=5),
    )

    assert client.get("/auth/me", headers=bearer(token)).status_code == 401

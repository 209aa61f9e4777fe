import datetime as dt
import uuid

import jwt
import psycopg
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from python_common.security import create_access_token
from python_common.settings import ServiceSettings

PASSWORD = "correct horse battery"


def sign_up(client: TestClient, email: str = "ada@example.com", **fields: object) -> Response:
    body = {"email": email, "password": PASSWORD, "full_name": "Ada Lovelace", **fields}
    return client.post("/auth/signup", json=body)


def log_in(
    client: TestClient, email: str = "ada@example.com", password: str = PASSWORD
) -> Response:
    return client.post("/auth/login", json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_sign_up_returns_a_token_pair_and_the_user(client: TestClient) -> None:
    response = sign_up(client, email="Ada@Example.com")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["full_name"] == "Ada Lovelace"
    uuid.UUID(body["user"]["id"])


def test_sign_up_stores_the_user_in_auth_users_as_supabase_auth_would(
    client: TestClient, owner_url: str
) -> None:
    user_id = sign_up(client).json()["user"]["id"]

    with psycopg.connect(owner_url) as conn:
        row = conn.execute(
            "SELECT u.aud, u.role, u.email, u.encrypted_password, u.email_confirmed_at IS NOT NULL,"
            " u.raw_user_meta_data ->> 'full_name', p.full_name"
            " FROM auth.users AS u JOIN public.profiles AS p ON p.id = u.id WHERE u.id = %s",
            (user_id,),
        ).fetchone()
        user_tables = conn.execute(
            "SELECT table_schema FROM information_schema.tables"
            " WHERE table_name = 'users' ORDER BY 1"
        ).fetchall()

    assert row is not None
    aud, role, email, password_hash, confirmed, meta_name, profile_name = row
    assert (aud, role, email, confirmed) == (
        "authenticated",
        "authenticated",
        "ada@example.com",
        True,
    )
    assert password_hash.startswith("$2b$04$")
    assert meta_name == profile_name == "Ada Lovelace"
    assert user_tables == [("auth",)], "auth.users must be the only users table"


def test_the_access_token_carries_supabases_claims(
    client: TestClient, settings: ServiceSettings
) -> None:
    body = sign_up(client).json()

    claims = jwt.decode(
        body["access_token"],
        settings.jwt_secret.get_secret_value(),
        algorithms=["HS256"],
        audience="authenticated",
    )

    assert claims["sub"] == body["user"]["id"]
    assert claims["role"] == "authenticated"
    assert claims["aud"] == "authenticated"
    assert claims["email"] == "ada@example.com"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"


def test_sign_up_with_a_taken_email_is_409_whatever_its_case(client: TestClient) -> None:
    assert sign_up(client).status_code == 201

    response = sign_up(client, email="ADA@Example.com")

    assert response.status_code == 409
    assert response.json() == {"detail": "Email already registered"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", "ada@"),
        ("password", "short"),
        ("password", " " * 12),
        ("password", "x" * 73),
        ("full_name", "   "),
    ],
)
def test_sign_up_with_invalid_input_is_422(client: TestClient, field: str, value: str) -> None:
    response = sign_up(client, **{field: value})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_log_in_returns_a_token_pair(client: TestClient) -> None:
    signed_up = sign_up(client).json()

    response = log_in(client, email="Ada@Example.com")

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == signed_up["user"]
    assert body["refresh_token"] != signed_up["refresh_token"]


def test_a_wrong_password_and_an_unknown_email_are_the_same_401(client: TestClient) -> None:
    sign_up(client)

    wrong_password = log_in(client, password="wrong password")
    unknown_email = log_in(client, email="nobody@example.com")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json() == {"detail": "Wrong email or password"}
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"


def test_me_returns_the_user_the_token_was_issued_to(client: TestClient) -> None:
    body = sign_up(client).json()

    response = client.get("/auth/me", headers=bearer(body["access_token"]))

    assert response.status_code == 200
    assert response.json() == body["user"]


def test_me_without_a_valid_access_token_is_401(
    client: TestClient, settings: ServiceSettings
) -> None:
    user_id = sign_up(client).json()["user"]["id"]
    secret = settings.jwt_secret.get_secret_value()
    expired = create_access_token(user_id, secret=secret, expires_in=dt.timedelta(minutes=-1))
    forged = create_access_token(user_id, secret="f" * 64, expires_in=dt.timedelta(minutes=5))
    gone = create_access_token(str(uuid.uuid4()), secret=secret, expires_in=dt.timedelta(minutes=5))

    missing = client.get("/auth/me")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    for token in ("not.a.jwt", expired, forged, gone):
        assert client.get("/auth/me", headers=bearer(token)).status_code == 401

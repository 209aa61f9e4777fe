import hashlib

import jwt
import psycopg
from fastapi.testclient import TestClient
from httpx2 import Response
from python_common.testing import redis_url
from redis import Redis

PASSWORD = "correct horse battery"


def sign_up(client: TestClient, email: str = "ada@example.com") -> dict[str, object]:
    body = {"email": email, "password": PASSWORD, "full_name": "Ada Lovelace"}
    response = client.post("/auth/signup", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def log_in(client: TestClient, email: str = "ada@example.com") -> dict[str, object]:
    response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def refresh(client: TestClient, token: object) -> Response:
    return client.post("/auth/refresh", json={"refresh_token": token})


def session_of(access_token: object) -> str:
    return jwt.decode(str(access_token), options={"verify_signature": False})["session_id"]


def test_refresh_issues_a_new_pair_in_the_same_session(client: TestClient) -> None:
    first = sign_up(client)

    response = refresh(client, first["refresh_token"])

    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["user"] == first["user"]
    assert session_of(second["access_token"]) == session_of(first["access_token"])
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert me.status_code == 200


def test_a_rotated_token_is_refused(client: TestClient) -> None:
    first = sign_up(client)
    assert refresh(client, first["refresh_token"]).status_code == 200

    reused = refresh(client, first["refresh_token"])

    assert reused.status_code == 401
    assert reused.json() == {"detail": "Invalid refresh token: sign in again"}


def test_reusing_a_rotated_token_revokes_the_whole_session_but_not_others(
    client: TestClient,
) -> None:
    stolen = sign_up(client)["refresh_token"]
    other_session = log_in(client)["refresh_token"]
    legitimate = refresh(client, stolen).json()["refresh_token"]

    assert refresh(client, stolen).status_code == 401
    # The token the rotation issued belongs to the revoked session: refused too, whoever holds it.
    assert refresh(client, legitimate).status_code == 401
    assert refresh(client, other_session).status_code == 200


def test_log_out_ends_the_session(client: TestClient) -> None:
    tokens = sign_up(client)
    rotated = refresh(client, tokens["refresh_token"]).json()["refresh_token"]

    response = client.post("/auth/logout", json={"refresh_token": rotated})

    assert response.status_code == 204
    assert response.content == b""
    assert refresh(client, rotated).status_code == 401
    # Logging out again, or with a token nobody issued, changes nothing and is no error.
    assert client.post("/auth/logout", json={"refresh_token": rotated}).status_code == 204
    assert client.post("/auth/logout", json={"refresh_token": "made-up"}).status_code == 204


def test_an_unknown_token_is_refused(client: TestClient) -> None:
    assert refresh(client, "made-up").status_code == 401
    assert refresh(client, "").status_code == 422


def test_a_deleted_user_cannot_refresh(client: TestClient, owner_url: str) -> None:
    tokens = sign_up(client)
    with psycopg.connect(owner_url) as conn:
        conn.execute("DELETE FROM auth.users")

    assert refresh(client, tokens["refresh_token"]).status_code == 401


def test_redis_holds_only_a_hash_of_the_token_and_its_keys_expire(
    client: TestClient, redis_key_prefix: str
) -> None:
    token = str(sign_up(client)["refresh_token"])
    token_key = f"{redis_key_prefix}refresh:token:{hashlib.sha256(token.encode()).hexdigest()}"

    with Redis.from_url(redis_url(), decode_responses=True) as redis:
        stored = redis.hgetall(token_key)
        family_key = f"{redis_key_prefix}refresh:family:{stored['family']}"
        ttls = [redis.ttl(token_key), redis.ttl(family_key)]
        keys = list(redis.scan_iter(match=f"{redis_key_prefix}*"))
        everything = keys + [str(redis.hgetall(k)) for k in keys if k.startswith(token_key)]

    assert stored["user_id"] == session_user(client, token)
    assert not any(token in text for text in everything)
    assert all(29 * 86400 < ttl <= 30 * 86400 for ttl in ttls), ttls


def session_user(client: TestClient, token: str) -> str:
    return str(refresh(client, token).json()["user"]["id"])

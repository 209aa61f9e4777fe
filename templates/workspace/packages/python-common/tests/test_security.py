import datetime as dt

import jwt
import pytest
from python_common.security import (
    InvalidTokenError,
    create_access_token,
    decode_access_token,
    hash_password,
    verify_access_token,
    verify_password,
)

SECRET = "a" * 64
HOUR = dt.timedelta(hours=1)


def test_a_token_decodes_to_its_subject_and_extra_claims() -> None:
    token = create_access_token("user-1", secret=SECRET, expires_in=HOUR, claims={"role": "admin"})

    claims = decode_access_token(token, secret=SECRET)

    assert claims["sub"] == "user-1"
    assert claims["role"] == "admin"
    assert claims["exp"] - claims["iat"] == 3600


def test_a_token_carries_supabases_claims_for_a_signed_in_user() -> None:
    user = "0b9a2f3e-8c1d-4e5f-9a6b-7c8d9e0f1a2b"
    token = create_access_token(user, secret=SECRET, expires_in=HOUR, claims={"email": "a@b.test"})

    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="authenticated")
    verified = verify_access_token(token, secret=SECRET)

    assert claims["role"] == "authenticated"
    assert claims["aud"] == "authenticated"
    assert str(verified.sub) == user
    assert verified.email == "a@b.test"
    assert verified.as_json_claims()["sub"] == user


def test_a_token_for_another_audience_or_an_anon_token_is_rejected() -> None:
    other_audience = create_access_token("u", secret=SECRET, expires_in=HOUR, claims={"aud": "x"})
    anon = create_access_token(
        "0b9a2f3e-8c1d-4e5f-9a6b-7c8d9e0f1a2b",
        secret=SECRET,
        expires_in=HOUR,
        claims={"role": "anon"},
    )

    with pytest.raises(InvalidTokenError):
        decode_access_token(other_audience, secret=SECRET)
    with pytest.raises(InvalidTokenError, match="not a signed-in user"):
        verify_access_token(anon, secret=SECRET)


def test_an_expired_token_is_rejected() -> None:
    token = create_access_token("user-1", secret=SECRET, expires_in=-HOUR)

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, secret=SECRET)


def test_a_token_signed_with_another_secret_is_rejected() -> None:
    token = create_access_token("user-1", secret="b" * 64, expires_in=HOUR)

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, secret=SECRET)


def test_an_unsigned_token_is_rejected() -> None:
    now = dt.datetime.now(dt.UTC)
    token = jwt.encode({"sub": "user-1", "iat": now, "exp": now + HOUR}, key=None, algorithm="none")

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, secret=SECRET)


def test_a_token_without_a_subject_is_rejected() -> None:
    now = dt.datetime.now(dt.UTC)
    token = jwt.encode(
        {"iat": now, "exp": now + HOUR, "aud": "authenticated"}, SECRET, algorithm="HS256"
    )

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, secret=SECRET)


def test_a_password_verifies_against_its_hash_and_nothing_else() -> None:
    password_hash = hash_password("correct horse", rounds=4)

    assert password_hash.startswith("$2b$04$")
    assert verify_password("correct horse", password_hash)
    assert not verify_password("correct horse!", password_hash)


def test_passwords_longer_than_bcrypt_reads_are_refused_not_truncated() -> None:
    too_long = "é" * 37  # 74 bytes in UTF-8

    with pytest.raises(ValueError, match="72 bytes"):
        hash_password(too_long, rounds=4)
    assert not verify_password(too_long, hash_password(too_long[:36], rounds=4))

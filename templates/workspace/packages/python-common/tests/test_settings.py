import pytest
from pydantic import ValidationError
from python_common.settings import ServiceSettings

SECRET = "s" * 64


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "JWT_SECRET", "JWT_ALGORITHM", "LOG_LEVEL", "CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)


def test_settings_come_from_the_conventional_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db:5432/app")
    monkeypatch.setenv("JWT_SECRET", SECRET)
    monkeypatch.setenv("ACCESS_TOKEN_EXPIRE_MINUTES", "5")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("CORS_ORIGINS", "http://localhost:3000, http://localhost:3001")

    settings = ServiceSettings(_env_file=None)

    assert settings.database_url == "postgresql://app@db:5432/app"
    assert settings.jwt_secret.get_secret_value() == SECRET
    assert settings.jwt_algorithm == "HS256"
    assert settings.access_token_expire_minutes == 5
    assert settings.log_level == "DEBUG"
    assert settings.cors_origins == ["http://localhost:3000", "http://localhost:3001"]


def test_the_secret_is_not_shown_in_the_settings_repr() -> None:
    settings = ServiceSettings(
        database_url="postgresql://db/app", jwt_secret=SECRET, _env_file=None
    )

    assert SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("jwt_secret", "too-short"),
        ("database_url", "postgresql+psycopg://db/app"),
        ("jwt_algorithm", "none"),
        ("access_token_expire_minutes", 0),
    ],
)
def test_unsafe_or_malformed_values_are_refused(field: str, value: object) -> None:
    values: dict[str, object] = {"database_url": "postgresql://db/app", "jwt_secret": SECRET}

    with pytest.raises(ValidationError, match=field):
        ServiceSettings(**{**values, field: value}, _env_file=None)

"""Input rules, applied by the request models in models.py (so violations become 422s)."""

from typing import Annotated

from pydantic import AfterValidator, EmailStr
from python_common.security import BCRYPT_MAX_PASSWORD_BYTES

PASSWORD_MIN_LENGTH = 8


def normalize_email(email: str) -> str:
    # One account per address, however it is capitalised: Supabase Auth stores them in lower case.
    return email.lower()


def check_new_password(password: str) -> str:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValueError(f"must be at least {PASSWORD_MIN_LENGTH} characters long")
    if len(password.encode()) > BCRYPT_MAX_PASSWORD_BYTES:
        raise ValueError(f"must be at most {BCRYPT_MAX_PASSWORD_BYTES} bytes long in UTF-8")
    if password.isspace():
        raise ValueError("must not be only whitespace")
    return password


def check_full_name(full_name: str) -> str:
    stripped = full_name.strip()
    if not stripped:
        raise ValueError("must not be empty")
    return stripped


Email = Annotated[EmailStr, AfterValidator(normalize_email)]
NewPassword = Annotated[str, AfterValidator(check_new_password)]
FullName = Annotated[str, AfterValidator(check_full_name)]

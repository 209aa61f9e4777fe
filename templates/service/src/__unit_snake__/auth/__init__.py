"""Authentication slice: register, log in, and read the current user.

router.py (HTTP) -> service.py (rules) -> repository.py (SQL); models.py and validators.py hold
the request/response shapes and the input rules they apply.
"""

import json
import logging
from collections.abc import Iterator

import pytest
from python_common.logs import configure_logging


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root_logger")
def test_json_logs_are_one_object_per_line_with_extra_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("info", service="billing")

    logging.getLogger("billing.invoices").info("sent %s", "INV-1", extra={"user_id": 7})
    logging.getLogger("billing.invoices").debug("not shown at INFO")

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["message"] == "sent INV-1"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "billing.invoices"
    assert entry["service"] == "billing"
    assert entry["user_id"] == 7

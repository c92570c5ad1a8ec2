"""`workplan serve` in a real headless browser: Debian's chromium driven by chromium-driver.

Nothing is downloaded: the browser and its driver are the system's (`.ci/run` installs
them with apt-get where it can). Without them the test is skipped and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import log_of
from tests.serve.conftest import Served

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "chromium-driver")


def find(names: tuple[str, ...]) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


@pytest.fixture
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("no browser: selenium is not installed (pip install -e '.[test]')")
    binary, driver = find(BROWSERS), find(DRIVERS)
    if binary is None or driver is None:
        pytest.skip("no browser: needs chromium and chromium-driver (apt-get install -y chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,700"):
        options.add_argument(argument)
    try:
        # The driver's path is given: selenium looks nothing up and downloads nothing.
        session = webdriver.Chrome(service=Service(driver), options=options)
    except WebDriverException as exc:
        pytest.skip(f"no browser: {binary} with {driver} did not start: {str(exc).splitlines()[0]}")
    try:
        yield session
    finally:
        session.quit()


def task(path: Path, task_id: int) -> dict:
    return json.loads(path.read_text())["tasks"][str(task_id)]


def test_the_board_in_a_browser_takes_a_key_and_changes_the_file(browser: Any, served: Served) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    before = task(served.file, 1)
    browser.get(served.url)
    assert browser.title == "Test Partnership · as alice · workplan"
    # textual-serve's page marks its body once the board's first screen has arrived
    WebDriverWait(browser, 30).until(
        lambda b: "-first-byte" in b.find_element(By.TAG_NAME, "body").get_attribute("class")
    )
    keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")  # where xterm.js takes the keyboard
    keys.send_keys("+")
    deadline = time.monotonic() + 15
    while task(served.file, 1) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert task(served.file, 1)["progress"] == before["progress"] + 10
    entry = log_of(served.file)[-1]
    assert entry["member"] == "alice" and entry["os_user"].endswith(" via browser")
    assert os.path.basename(browser.current_url.rstrip("/")) == served.token  # the page kept its address

#!/usr/bin/env python3
"""Drives the citizen's web in a real headless Chromium (Debian's chromium and chromium-driver, through selenium):
in Arabic and in French, on a phone-sized window, it fills the report form, attaches a file, submits (the script
shows the upload's progress), reads the tracking id and secret, follows the report and sees its status; then, with
JavaScript turned off, it submits an empty form and sees the errors. A screenshot of each step goes to ARTEFACTS.

    citizen_web.py BASE_URL ARTEFACTS      prints one JSON object with what it saw; exits 1 on a failed check
"""
import json
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

BASE, ARTEFACTS = sys.argv[1].rstrip("/"), sys.argv[2]
os.makedirs(ARTEFACTS, exist_ok=True)
PNG = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + b"harmless test image for the browser test"
REPORTS = {
    "ar": {"residence": "القنيطرة", "description": "يهددني شخص بنشر صوري إن لم أدفع له.", "received": "تم الاستلام"},
    "fr": {"residence": "Kénitra", "description": "Quelqu'un menace de publier mes photos si je ne paie pas.", "received": "Reçu"},
}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def browser(javascript=True):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=390,844",
                     "--lang=en-US", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def shot(driver, name):
    path = os.path.join(ARTEFACTS, name)
    driver.save_screenshot(path)
    return path


def report_and_follow(language, evidence):
    words = REPORTS[language]
    driver = browser()
    seen_here = {"language": language}
    try:
        wait = WebDriverWait(driver, 20)
        driver.get(f"{BASE}/{language}/report")
        html = driver.find_element(By.TAG_NAME, "html")
        seen_here["dir"] = html.get_attribute("dir")
        check(seen_here["dir"] == ("rtl" if language == "ar" else "ltr"), f"{language}: dir is {seen_here['dir']}")
        check(driver.find_element(By.ID, "quick-exit").is_displayed(), f"{language}: no quick exit button")
        shot(driver, f"{language}-1-form.png")
        driver.find_element(By.ID, "category-sextortion").click()
        driver.find_element(By.ID, "description").send_keys(words["description"])
        driver.find_element(By.ID, "residence").send_keys(words["residence"])
        driver.find_element(By.ID, "account_value_0").send_keys("@browser_test_account")
        driver.find_element(By.ID, "phone").send_keys("+212600000002")
        driver.find_element(By.ID, "evidence").send_keys(evidence)
        shot(driver, f"{language}-2-filled.png")
        driver.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
        tracking = wait.until(seen.presence_of_element_located((By.ID, "tracking-id"))).text
        secret = driver.find_element(By.ID, "receipt-secret").text
        seen_here.update(tracking_id=tracking, secret_shown=bool(secret))
        # With JavaScript the form went up through the script (XMLHttpRequest, with its progress bar), not a plain post.
        through_script = driver.execute_script(
            "return performance.getEntriesByType('resource').some(function (e) { return e.initiatorType === 'xmlhttprequest'; })")
        seen_here["uploaded_by_script"] = through_script
        check(through_script, f"{language}: the report was not sent by the page's script")
        check(tracking.startswith("IBL-"), f"{language}: tracking id {tracking!r}")
        check(len(secret) >= 20, f"{language}: no receipt secret")
        shot(driver, f"{language}-3-received.png")

        driver.get(f"{BASE}/{language}/follow")
        driver.find_element(By.ID, "tracking_id").send_keys(tracking)
        driver.find_element(By.ID, "secret").send_keys(secret)
        shot(driver, f"{language}-4-follow.png")
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        try:
            timeline = wait.until(seen.presence_of_element_located((By.ID, "timeline"))).text
        except Exception:
            shot(driver, f"{language}-5-status-FAILED.png")
            raise AssertionError(f"{language}: no status after following; the page says: {driver.find_element(By.TAG_NAME, 'main').text[:300]!r}")
        seen_here["timeline"] = timeline
        check(words["received"] in timeline, f"{language}: the status does not show {words['received']!r}: {timeline!r}")
        shot(driver, f"{language}-5-status.png")
    finally:
        driver.quit()
    return seen_here


def without_javascript():
    driver = browser(javascript=False)
    try:
        driver.get(f"{BASE}/fr/report")
        driver.find_element(By.CSS_SELECTOR, "#report-form button[type=submit]").click()
        WebDriverWait(driver, 30).until(seen.presence_of_element_located((By.ID, "errors")))
        errors = driver.find_element(By.ID, "errors").text
        check("Ce champ est nécessaire." in errors, f"no-JS: errors shown were {errors!r}")
        check(driver.find_element(By.ID, "description-error").text == "Ce champ est nécessaire.", "no-JS: no error under the description")
        shot(driver, "fr-6-errors-without-javascript.png")
        return {"errors": errors}
    finally:
        driver.quit()


with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as file:
    file.write(PNG)
result = {"reports": [report_and_follow(language, file.name) for language in ("ar", "fr")], "no_javascript": without_javascript()}
result["screenshots"] = sorted(os.listdir(ARTEFACTS))
result["failures"] = failures
print(json.dumps(result, ensure_ascii=False))
sys.exit(1 if failures else 0)

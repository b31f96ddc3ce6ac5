#!/usr/bin/python3
"""The web workplace in a real browser (Debian's chromium through chromedriver
and python3-selenium): a municipality's coordinator logs in, uploads a staff
workbook (.xlsx) with one bad row (the errors are shown, nothing is written),
uploads the fixed list, runs the cycle, changes a target phrase (an unreadable one is
refused, a valid one saved and the statuses re-judged), marks a measure done
and downloads the report; a school logs in and is refused another school's
page; a POST without the form token is refused; a stored <script> in an
organization's name comes out as text. Screenshots of every step go to the
output folder. Usage: test_workplace.py PDMON SOURCE_DIR [OUT_DIR]"""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import zipfile
from xml.sax.saxutils import escape

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

PDMON, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
WORK = tempfile.mkdtemp(prefix="pdmon-browser-")
OUT = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else os.path.join(WORK, "shots")
os.makedirs(OUT, exist_ok=True)
STORE = os.path.join(WORK, "store.db")
MUN = "emanzhelinsk"
passed, failed = 0, 0


def pdmon(*args, stdin=None):
    done = subprocess.run([PDMON, "--db", STORE, *args], input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pdmon {' '.join(args)}: {done.stderr}")
    return done.stdout


def prepare():
    """A store with the municipality's organizations (one named with markup),
    documents and communities, a copy of its packs, and two accounts."""
    rules = os.path.join(WORK, "rules")
    for pack in ("chelyabinsk", MUN):
        shutil.copytree(os.path.join(SOURCE, "rules", pack), os.path.join(rules, pack))
    example = os.path.join(SOURCE, "examples", MUN)
    with open(os.path.join(example, "organizations.csv"), encoding="utf-8") as f:
        orgs = f.read().rstrip("\n") + "\n"
    header = orgs.splitlines()[0].split(",")
    extra = {"id": "emanzhelinsk-x99", "name": '"<script>alert(1)</script> Школа"', "kind": "school", "municipality": MUN}
    orgs += ",".join(extra.get(h, "") for h in header) + "\n"
    with open(os.path.join(WORK, "organizations.csv"), "w", encoding="utf-8") as f:
        f.write(orgs)
    pdmon("init", "--municipality", MUN, "--pack", os.path.join(rules, MUN))
    pdmon("import", "organizations", os.path.join(WORK, "organizations.csv"))
    pdmon("import", "documents", os.path.join(example, "documents.csv"))
    pdmon("import", "communities", os.path.join(example, "communities.csv"))
    pdmon("user", "add", "coordinator", "--role", "municipality", "--municipality", MUN, stdin="пароль-координатора\n")
    pdmon("user", "add", "school1", "--role", "school", "--org", "emanzhelinsk-s001", stdin="пароль-школы-1\n")
    with open(os.path.join(example, "staff.csv"), encoding="utf-8") as f:
        staff = f.read().splitlines()
    bad = list(staff)
    fields = bad[5].split(",")
    fields[3] = "19x7"  # the birth year of the fifth worker
    bad[5] = ",".join(fields)
    # the bad list comes as a workbook, as offices have it; the fixed one as CSV
    write_xlsx(os.path.join(WORK, "staff_bad.xlsx"), bad)
    with open(os.path.join(WORK, "staff.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(staff) + "\n")
    return rules, example, len(staff) - 1


def staff_ids(example):
    with open(os.path.join(example, "staff.csv"), encoding="utf-8") as f:
        return {line.split(",")[0] for line in f.read().splitlines()[1:]}


def write_xlsx(path, lines):
    """A workbook of one sheet as an office keeps a staff list: every cell
    text (inline strings), the first row the headers."""
    def cell(ref, text):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    def column(i):
        name = ""
        i += 1
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        return name

    rows = []
    for r, line in enumerate(lines, 1):
        cells = "".join(cell(f"{column(c)}{r}", v) for c, v in enumerate(line.split(",")) if v)
        rows.append(f'<row r="{r}">{cells}</row>')
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Сотрудники" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(rows)}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port):
    server = subprocess.Popen([PDMON, "--db", STORE, "serve", "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = server.stdout.readline()
    if "listening" not in line:
        raise RuntimeError("pdmon serve did not start: " + line + server.stdout.read())
    return server


def browser(downloads):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--lang=ru-RU", f"--user-data-dir={os.path.join(WORK, 'profile')}"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def shot(driver, name, width=1280):
    """A screenshot of the whole page at a width (390 is a phone)."""
    driver.set_window_size(width, 1000)
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
    driver.set_window_size(width, max(height, 600))
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(os.path.join(OUT, name + ".png"))
    driver.set_window_size(1280, 1000)


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print("ok:", name)
    else:
        failed += 1
        print("FAILED:", name, detail)


def count(sql):
    with sqlite3.connect(f"file:{STORE}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchone()[0]


def log_in(driver, base, login, password):
    driver.get(base + "/login")
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "login"))
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.box button").click()
    WebDriverWait(driver, 30).until(lambda d: not d.current_url.endswith("/login") or d.find_elements(By.CSS_SELECTOR, "p.error"))


def wait_text(driver, text, seconds=60):
    """Waits until the page says text (a page that a click or submit loads)."""
    # the old page's body goes stale while the new one loads: keep waiting, do not fail
    WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: text in d.find_element(By.TAG_NAME, "body").text)


def upload(driver, base, entity, path):
    driver.get(f"{base}/m/{MUN}/upload")
    Select(driver.find_element(By.ID, "entity")).select_by_value(entity)
    driver.find_element(By.ID, "file").send_keys(path)
    driver.find_element(By.CSS_SELECTOR, "form.box button").click()
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#preview, #errors, p.error"))


def import_previewed(driver):
    """Presses the preview's import button and waits for the outcome."""
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "preview"))
    driver.find_element(By.XPATH, "//button[contains(., 'Загрузить все строки')]").click()
    WebDriverWait(driver, 60).until(lambda d: "Записано строк" in d.page_source or d.find_elements(By.CSS_SELECTOR, "p.error"))
    return driver.find_element(By.TAG_NAME, "main").text


def post_without_token(base, cookie, path):
    request = urllib.request.Request(base + path, data=b"entity=staff", method="POST",
                                     headers={"Cookie": f"pdmon_session={cookie}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def scenario(driver, base, rules, example, staff_rows):
    driver.get(base + "/")
    check("anonymous visitor is sent to the login", driver.current_url.endswith("/login"))
    shot(driver, "01-login")
    log_in(driver, base, "coordinator", "пароль-координатора")
    check("the coordinator lands on the municipality's dashboard", driver.current_url.endswith(f"/m/{MUN}"))

    upload(driver, base, "staff", os.path.join(WORK, "staff_bad.xlsx"))
    body = driver.find_element(By.TAG_NAME, "main").text
    rows = driver.find_elements(By.CSS_SELECTOR, "#errors tbody tr")
    check("a staff workbook with one bad row shows that row", len(rows) == 1 and "19x7" in rows[0].text, body[:300])
    check("and names its column as the file heads it", rows and "Год рождения" in rows[0].text and "birth_year" not in rows[0].text, body[:300])
    check("and says nothing was written", "Ничего не записано" in body)
    check("and nothing was written", count("SELECT COUNT(*) FROM staff") == 0)
    shot(driver, "02-upload-errors")

    upload(driver, base, "staff", os.path.join(WORK, "staff.csv"))
    check("the fixed file shows a preview", len(driver.find_elements(By.CSS_SELECTOR, "#preview tbody tr")) == 10)
    shot(driver, "03-upload-preview")
    done = import_previewed(driver)
    check("every row is imported", f"Записано строк: {staff_rows}" in done, done)
    # a worker who moved has a row per employment span: the store has one worker and both spans
    check("the store has them", count("SELECT COUNT(*) FROM staff") == len(staff_ids(example)))
    check("and every span of their employment", count("SELECT COUNT(*) FROM employment") >= staff_rows)
    upload(driver, base, "activities", os.path.join(example, "activities.csv"))
    import_previewed(driver)

    driver.get(f"{base}/m/{MUN}")
    period = driver.find_element(By.ID, "period")
    period.clear()
    period.send_keys("2023")
    period.submit()
    wait_text(driver, "Цикл открыт")
    driver.find_element(By.XPATH, "//button[contains(., 'Провести мониторинг')]").click()
    wait_text(driver, "Мониторинг проведён")
    check("the monitoring ran", "Мониторинг проведён" in driver.find_element(By.CSS_SELECTOR, "p.ok").text)
    shot(driver, "04-dashboard")
    shot(driver, "05-dashboard-phone", width=390)
    not_met = driver.find_elements(By.CSS_SELECTOR, "#indicators ~ div tr.not_met a")
    check("some indicators are not met", len(not_met) > 0)
    target_id = not_met[0].get_attribute("href").split("/indicator/")[1].split("?")[0]
    not_met[0].click()
    check("the indicator page explains its value", "Пояснение" in driver.page_source and "По организациям" in driver.page_source)
    shot(driver, "06-indicator")

    upload(driver, base, "measures", os.path.join(example, "measures.csv"))
    import_previewed(driver)

    driver.get(f"{base}/m/{MUN}/targets")
    phrase = driver.find_element(By.ID, "t-" + target_id)
    phrase.clear()
    phrase.send_keys("когда-нибудь потом")
    output = driver.find_element(By.ID, "m-" + target_id)
    WebDriverWait(driver, 10).until(lambda d: "не читается" in output.text)
    check("an unreadable phrase is refused as it is typed", "не удается прочитать фразу цели" in output.text, output.text)
    shot(driver, "07-targets-refused-live")
    phrase.submit()
    wait_text(driver, "Не сохранено")
    check("and refused when saved", "не читаются" in driver.find_element(By.TAG_NAME, "main").text)
    override = os.path.join(rules, MUN, "targets_override.lua")
    check("and nothing is written", not os.path.exists(override))
    phrase = driver.find_element(By.ID, "t-" + target_id)
    phrase.clear()
    phrase.send_keys("Ежегодно - 0%")
    output = driver.find_element(By.ID, "m-" + target_id)
    WebDriverWait(driver, 10).until(lambda d: output.text.startswith("читается"))
    check("and a valid one is read for the cycle's year", "в 2023 г." in output.text, output.text)
    shot(driver, "08-targets-valid-live")
    phrase.submit()
    wait_text(driver, "Сохранено целевых значений")
    check("a valid phrase is saved", "Сохранено целевых значений: 1" in driver.find_element(By.CSS_SELECTOR, "p.ok").text)
    check("into the municipality's own layer", os.path.exists(override) and "Ежегодно - 0%" in open(override, encoding="utf-8").read())
    check("never into the region's", not os.path.exists(os.path.join(rules, "chelyabinsk", "targets_override.lua")))
    driver.get(f"{base}/m/{MUN}")
    row = driver.find_element(By.XPATH, f"//a[contains(@href, '/indicator/{target_id}?')]/ancestor::tr")
    check("the status is re-judged", row.get_attribute("class") == "met", row.get_attribute("class"))
    check("the change is audited", count("SELECT COUNT(*) FROM audit WHERE action = 'targets' AND outcome = 'ok' AND login = 'coordinator'") == 1)

    driver.get(f"{base}/m/{MUN}/roadmap")
    form = driver.find_element(By.CSS_SELECTOR, "td details")
    measure_row = form.find_element(By.XPATH, "ancestor::tr")
    measure_id = measure_row.get_attribute("id")
    form.find_element(By.TAG_NAME, "summary").click()
    form.find_element(By.CSS_SELECTOR, "input[name=number]").send_keys("15/2")
    driver.execute_script("arguments[0].value = '2023-03-15'", form.find_element(By.CSS_SELECTOR, "input[name=date]"))
    form.find_element(By.CSS_SELECTOR, "input[name=title]").send_keys("Об итогах диагностики профессиональных дефицитов")
    form.find_element(By.CSS_SELECTOR, "button").click()
    wait_text(driver, "Мероприятие отмечено выполненным")
    state = driver.find_element(By.ID, measure_id).text
    check("a measure is marked done with its document", "выполнено" in state and "приказ № 15/2 от 15.03.2023" in state.lower(), state)
    shot(driver, "09-roadmap-done")

    downloads = os.path.join(WORK, "downloads")
    driver.get(f"{base}/m/{MUN}")
    for fmt in ("html", "xlsx"):
        driver.find_element(By.XPATH, f"//a[contains(@href, '/report/{fmt}?')]").click()
    deadline = time.time() + 20
    while time.time() < deadline and len([f for f in os.listdir(downloads) if not f.endswith(".crdownload")]) < 2:
        time.sleep(0.2)
    got = sorted(os.listdir(downloads))
    check("the report downloads as HTML and Excel", any(f.endswith(".html") for f in got) and any(f.endswith(".xlsx") for f in got), got)

    driver.get(f"{base}/m/{MUN}/org/emanzhelinsk-x99")
    check("a stored <script> in a name is shown as text", "<script>alert(1)</script>" in driver.find_element(By.TAG_NAME, "h1").text)
    check("and never as markup", "<script>alert(1)" not in driver.page_source.replace("&lt;", "<x"))
    shot(driver, "10-escaped-name")

    driver.find_element(By.XPATH, "//button[contains(., 'Выйти')]").click()
    wait_text(driver, "Вход в pdmon")
    log_in(driver, base, "school1", "пароль-школы-1")
    check("the school lands on its own page", driver.current_url.endswith("/org/emanzhelinsk-s001"))
    shot(driver, "11-school-own-page")
    denied = count("SELECT COUNT(*) FROM audit WHERE outcome = 'denied'")
    driver.get(f"{base}/m/{MUN}/org/emanzhelinsk-s002")
    check("the school is refused another school's page", "Доступ запрещён" in driver.find_element(By.TAG_NAME, "h1").text)
    check("and the refusal is audited", count("SELECT COUNT(*) FROM audit WHERE outcome = 'denied'") == denied + 1)
    shot(driver, "12-school-refused")
    cookie = driver.get_cookie("pdmon_session")["value"]
    check("a POST without the form token is refused", post_without_token(base, cookie, f"/m/{MUN}/upload") == 403)


def main():
    rules, example, staff_rows = prepare()
    port = free_port()
    server = start_server(port)
    downloads = os.path.join(WORK, "downloads")
    os.makedirs(downloads)
    driver = browser(downloads)
    try:
        scenario(driver, f"http://127.0.0.1:{port}", rules, example, staff_rows)
    except Exception as e:  # a step that could not even be taken
        global failed
        failed += 1
        print("FAILED: the scenario stopped at", driver.current_url, "with", repr(e))
        traceback.print_exc(file=sys.stdout)
        shot(driver, "99-where-it-stopped")
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=20)
    print(f"screenshots: {OUT}")
    print(f"{passed} passed, {failed} failed")
    if failed == 0 and len(sys.argv) <= 3:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

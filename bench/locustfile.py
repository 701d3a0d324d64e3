"""A province's Monday morning, as locust virtual users (run by ``bench/load.py``).

Four kinds of people, each acting as a browser with JavaScript (htmx) would:

* **Anonymous visitors**: the home page, the catalogue, a search, a procedure page, the public
  look-up of a dossier code.
* **Citizens** sign in once, then complete applications one after the other: the procedure page,
  "Nộp hồ sơ", the applicant step, the answers (Vietnamese values for every field, optional ones
  included), the papers step with a photo (a real JPEG made with Pillow), delivery, submit, the
  dossier page and the receipt PDF (Mẫu 01). A step that fails (connection cut, 5xx) is tried
  once more with the same draft and the same one-time token, and counted.
* **Officers** work their queues: the new queue, a dossier, accept it (a 409 because a colleague
  accepted it first is the app's answer to a race, counted apart), other queues, the register.
* **Post-office staff** open their day and print: a collected item's label, its fee receipt
  (A5 or the 80 mm roll), the list of papers.

CSRF tokens are read from the pages. Each virtual user has its own client address
(``X-Forwarded-For``, believed by the app with ``TRUSTED_PROXIES=1`` as behind nginx), so the
per-address rate limits apply to each person as in production. What each application went
through is written to ``LOAD_JOURNAL`` at the end, for ``bench/load.py``'s consistency check.

Environment: ``LOAD_FIXTURES`` (from ``bench/load_seed.py``), ``LOAD_JOURNAL``, ``LOAD_THINK``
("0.2-1.0": seconds between two steps of a citizen or a visitor; officers wait 2–5 s between
two tasks, post-office staff 4–10 s).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import time
from typing import Any

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from PIL import Image, ImageDraw

with open(os.environ["LOAD_FIXTURES"], encoding="utf-8") as fixtures:
    FIXTURES: dict[str, Any] = json.load(fixtures)
JOURNAL: list[dict[str, Any]] = []
LOW, HIGH = (float(x) for x in os.environ.get("LOAD_THINK", "0.2-1.0").split("-"))
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
CLIENT_TOKEN = re.compile(r'name="client_token" value="([^"]+)"')
DOSSIER_LINK = re.compile(r'href="/can-bo/ho-so/(\d+)"')
CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}")
SEEN_CODES: list[str] = list(FIXTURES["codes"])
_accounts = {role: itertools.cycle(FIXTURES[role]) for role in ("citizens", "officers", "postal")}
_addresses = itertools.count(1)
TRANSIENT = {0, 500, 502, 503, 504}  # connection cut, server errors: a person would try again
SEARCHES = ["khai sinh", "dang ky thuong tru", "giấy phép lái xe", "khai snh", "tạm trú", "đất"]
PROCEDURES = ["1.001193", "1.004222", "1.004194", "3.000347", "1.000656", "2.000815"]


def csrf(text: str) -> str:
    found = CSRF_INPUT.search(text)
    if not found:
        raise ValueError("no csrf_token on the page")
    return VALUE.search(found.group(0)).group(1)  # type: ignore[union-attr]


def photo(seed: int) -> bytes:
    """A small real JPEG: a sheet of paper with lines of 'text', as a phone would send after
    shrinking (about 1000 px, quality 80)."""
    image = Image.new("RGB", (900, 1200), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for line in range(40):
        y = 80 + line * 26
        draw.line((60, y, 60 + rng.randint(300, 780), y), fill=(40, 40, 60), width=3)
    draw.ellipse((600, 900, 800, 1100), outline=(200, 30, 30), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


PHOTOS = [photo(n) for n in range(4)]


def three_boxes(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}-ngay": day, f"{name}-thang": month, f"{name}-nam": year}


def answers(code: str, commune: str) -> dict[str, str]:
    """Every field of the procedure's form, optional ones included, as a family of Mường Xén
    would type them."""
    if code == "1.001193":  # birth registration
        return {
            "child_full_name": "Lô Thị Ngọc Ánh",
            **three_boxes("child_birth_date", "03", "11", "2026"),
            "child_sex": "nu",
            "child_birth_place": commune,
            "child_ethnicity": "Thái",
            "father_full_name": "Lô Văn Páo",
            "mother_full_name": "Vi Thị Xuân",
            "applicant_relationship": "me",
        }
    if code == "1.004222":  # permanent residence
        return {
            "residence_commune": commune,
            "residence_address": "Bản Huồi Tụ, nhà số 14",
            "housing_basis": "ve_o_voi_nguoi_than",
            "household_head_name": "Lô Văn Páo",
            "relationship_to_head": "Con dâu",
            "previous_residence": "Bản Xốp Mạt, xã Mường Xén, tỉnh Nghệ An",
        }
    if code == "1.004194":  # temporary residence
        return {
            "residence_commune": commune,
            "residence_address": "Khối 2, cạnh chợ xã",
            **three_boxes("stay_from", "01", "12", "2026"),
            "stay_months": "12",
            "purpose": "lao_dong",
            "landlord_name": "Vi Văn Thắng",
        }
    if code == "3.000347":  # driving licence exchange
        return {
            "licence_number": "400169012345",
            "licence_class": "a1",
            **three_boxes("expiry_date", "15", "01", "2027"),
            "reason": "het_han",
            "delivery_address": "Bản Huồi Tụ, xã Mường Xén, tỉnh Nghệ An",
        }
    if code == "1.000656":  # death registration
        return {
            "deceased_full_name": "Lô Văn Xồng",
            "deceased_id_number": "040046001357",
            **three_boxes("death_date", "28", "11", "2026"),
            "death_place": "Tại nhà, Bản Huồi Tụ, xã Mường Xén, tỉnh Nghệ An",
            "death_cause": "Tuổi già",
            "last_residence": commune,
            "applicant_relationship": "con",
        }
    return {  # certified copies
        "document_name": "Bằng tốt nghiệp trung học phổ thông",
        "page_count": "1",
        "copy_count": "3",
        "electronic_copy": "yes",
    }


SCANS = {  # the papers each procedure requires a photo of
    "1.001193": ["giay_chung_sinh"],
    "1.004222": ["giay_to_cho_o"],
    "1.004194": ["giay_to_cho_o"],
    "3.000347": ["giay_phep_dang_dung"],
    "1.000656": ["giay_bao_tu"],
    "2.000815": [],
}


class StepFailed(Exception):
    pass


class Person(FastHttpUser):
    abstract = True
    wait_time = between(LOW, HIGH)

    lands = "/"
    role = ""

    def on_start(self) -> None:
        n = next(_addresses)
        self.address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.token = ""
        self.phone = next(_accounts[self.role]) if self.role else ""
        self.signed_in = False

    def ensure_signed_in(self) -> bool:
        """Sign in when not yet signed in (the first task, or after a failed attempt)."""
        if not self.signed_in:
            try:
                self.sign_in(self.phone, self.lands)
            except (StepFailed, ValueError):
                gevent.sleep(1.0)
                return False
            self.signed_in = True
        return True

    def headers(self, htmx: bool = False) -> dict[str, str]:
        headers = {"X-Forwarded-For": self.address}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "main", "X-CSRFToken": self.token})
        return headers

    def think(self) -> None:
        gevent.sleep(random.uniform(LOW, HIGH))

    def page(self, url: str, name: str, htmx: bool = False, expect: str = "") -> Any:
        with self.client.get(
            url, name=name, headers=self.headers(htmx), catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif expect and expect not in response.text:
                response.failure(f"{expect!r} missing")
        return response

    def pdf(self, url: str, name: str) -> Any:
        with self.client.get(
            url, name=name, headers=self.headers(), catch_response=True
        ) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"{response.status_code}: not a PDF")
        return response

    def sign_in(self, phone: str, lands: str) -> None:
        form = self.page("/dang-nhap", "GET /dang-nhap")
        with self.client.post(
            "/dang-nhap",
            name="POST /dang-nhap (scrypt)",
            data={"csrf_token": csrf(form.text), "phone": phone, "password": FIXTURES["password"]},
            headers=self.headers(),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 303:
                response.failure(f"{response.status_code}")
                raise StepFailed("sign-in")
        landing = self.page(lands, f"GET {lands} (after sign-in)")
        self.token = csrf(landing.text)


class Visitor(Person):
    """Someone looking, not signed in."""

    weight = 3

    @task(2)
    def catalogue(self) -> None:
        self.page("/thu-tuc", "GET /thu-tuc")

    @task(2)
    def search(self) -> None:
        self.page(f"/thu-tuc?q={random.choice(SEARCHES)}", "GET /thu-tuc?q=")

    @task(3)
    def procedure(self) -> None:
        self.page(f"/thu-tuc/{random.choice(PROCEDURES)}", "GET /thu-tuc/[code]")

    @task(3)
    def look_up(self) -> None:
        code = random.choice(SEEN_CODES)
        self.page(f"/tra-cuu/{code}", "GET /tra-cuu/[code]", expect=code)

    @task(1)
    def home(self) -> None:
        self.page("/", "GET /")


class Citizen(Person):
    """Signs in once, then applies again and again."""

    weight = 5
    role = "citizens"
    lands = "/ho-so-cua-toi"

    def step(self, name: str, journey: dict[str, Any], send: Any, ok: Any) -> Any:
        """One step, tried once more with the same data when the link or the server fails."""
        for attempt in (1, 2):
            with send() as response:
                if ok(response):
                    response.success()
                    return response
                reason = f"{response.status_code}: {response.text[:120]!r}"
                response.failure(reason)
                if response.status_code not in TRANSIENT or attempt == 2:
                    journey["failed"] = f"{name}: {reason}"
                    raise StepFailed(name)
            journey["retries"].append({"step": name, "first": reason})
            gevent.sleep(1.0)
        raise StepFailed(name)  # unreachable

    def post(self, url: str, name: str, data: dict[str, Any], htmx: bool = True, **kw: Any) -> Any:
        return lambda: self.client.post(
            url,
            name=name,
            data={"csrf_token": self.token, **data},
            headers=self.headers(htmx),
            allow_redirects=False,
            catch_response=True,
            **kw,
        )

    @task
    def apply(self) -> None:
        if not self.ensure_signed_in():
            return
        code = random.choice(PROCEDURES[:4] if random.random() < 0.8 else PROCEDURES[4:])
        commune = random.choice(FIXTURES["communes"])
        journey: dict[str, Any] = {
            "phone": self.phone,
            "procedure": code,
            "client_token": "",
            "dossier_id": None,
            "submitted": False,
            "receipt": False,
            "retries": [],
            "started": time.time(),
        }
        JOURNAL.append(journey)
        started = time.perf_counter()
        try:
            self._journey(journey, code, commune)
        except (StepFailed, ValueError) as failure:
            journey.setdefault("failed", str(failure))
            events.request.fire(
                request_type="JOURNEY",
                name="application submitted + receipt",
                response_time=(time.perf_counter() - started) * 1000,
                response_length=0,
                exception=failure,
                context={},
            )
            return
        events.request.fire(
            request_type="JOURNEY",
            name="application submitted + receipt",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=None,
            context={},
        )

    def _journey(self, journey: dict[str, Any], code: str, commune: str) -> None:
        procedure = self.page(f"/thu-tuc/{code}", "GET /thu-tuc/[code]")
        found = CLIENT_TOKEN.search(procedure.text)
        if procedure.status_code != 200 or not found:
            journey["failed"] = "procedure page"
            raise StepFailed("procedure page")
        journey["client_token"] = found.group(1)
        self.token = csrf(procedure.text)
        self.think()
        started = self.step(
            "start",
            journey,
            self.post(
                f"/thu-tuc/{code}/nop-ho-so",
                "POST /thu-tuc/[code]/nop-ho-so",
                {"client_token": journey["client_token"]},
                htmx=False,
            ),
            lambda r: r.status_code == 303 and "/ho-so/" in r.headers.get("Location", ""),
        )
        base = "/ho-so/" + started.headers["Location"].split("/ho-so/")[1].rsplit("/", 1)[0]
        journey["dossier_id"] = int(base.rsplit("/", 1)[1])
        first = self.page(f"{base}/nguoi-nop", "GET /ho-so/[id]/nguoi-nop")
        self.token = csrf(first.text)
        steps = [
            (
                "nguoi-nop",
                {
                    "phone": self.phone,
                    "email": f"nguoi.dung.{self.phone}@example.vn",
                    "province": "40",
                    "commune": commune,
                    "village": "Bản Huồi Tụ",
                    "street": "Nhà số 14, đường lên trường tiểu học",
                },
                {},
            ),
            ("thong-tin", answers(code, commune), {}),
            (
                "giay-to",
                {},
                {
                    f"file-{doc}": ("anh-chup-giay-to.jpg", random.choice(PHOTOS), "image/jpeg")
                    for doc in SCANS[code]
                },
            ),
            (
                "nhan-tra",
                {
                    "intake_channel": "online",
                    "return_channel": "online",
                    "return_province": "40",
                    "return_commune": commune,
                    "return_commune_q": "",
                    "return_village": "Bản Huồi Tụ",
                    "return_street": "Nhà số 14, đường lên trường tiểu học",
                },
                {},
            ),
        ]
        for name, data, files in steps:
            self.think()
            extra = {"files": files} if files else {}
            self.step(
                name,
                journey,
                self.post(f"{base}/{name}", f"POST /ho-so/[id]/{name}", data, **extra),
                lambda r: r.status_code == 200 and bool(r.headers.get("HX-Push-Url")),
            )
        self.think()
        # The answer is the dossier's page itself, its address pushed (one round trip).
        shown = self.step(
            "submit",
            journey,
            self.post(f"{base}/nop", "POST /ho-so/[id]/nop", {"declaration": "1"}),
            lambda r: r.status_code == 200 and r.headers.get("HX-Push-Url") == base,
        )
        journey["submitted"] = True
        found_code = CODE.search(shown.text)
        if found_code:
            journey["code"] = found_code.group(0)
            SEEN_CODES.append(found_code.group(0))
        self.step(
            "receipt",
            journey,
            lambda: self.client.get(
                f"{base}/giay-tiep-nhan.pdf",
                name="GET /ho-so/[id]/giay-tiep-nhan.pdf",
                headers=self.headers(),
                catch_response=True,
            ),
            lambda r: r.status_code == 200 and r.content.startswith(b"%PDF"),
        )
        journey["receipt"] = True
        journey["finished"] = time.time()


class Officer(Person):
    """A one-stop officer working the queues of their two units."""

    weight = 1
    role = "officers"
    wait_time = between(2, 5)  # reading a dossier takes a person a while
    lands = "/can-bo/"

    @task(4)
    def take_new(self) -> None:
        if not self.ensure_signed_in():
            return
        queue = self.page("/can-bo/", "GET /can-bo/ (queue moi)")
        ids = DOSSIER_LINK.findall(queue.text)
        if not ids:
            return
        self.think()
        dossier = random.choice(ids)
        page = self.page(f"/can-bo/ho-so/{dossier}", "GET /can-bo/ho-so/[id]")
        if f"/can-bo/ho-so/{dossier}/accept" not in page.text:
            return  # papers still travelling by post: nothing to accept yet
        self.token = csrf(page.text)
        self.think()
        with self.client.post(
            f"/can-bo/ho-so/{dossier}/accept",
            name="POST /can-bo/ho-so/[id]/accept",
            data={"csrf_token": self.token},
            headers=self.headers(htmx=True),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (200, 204, 303):  # 204: HX-Redirect to the dossier
                response.success()
            elif response.status_code == 409:  # a colleague accepted it first: the app's answer
                response.success()
                events.request.fire(
                    request_type="RACE",
                    name="accept: already accepted by a colleague (409)",
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )
            else:
                response.failure(f"{response.status_code}")

    @task(2)
    def other_queues(self) -> None:
        if not self.ensure_signed_in():
            return
        slug = random.choice(["xu-ly", "den-han", "cho-bo-sung", "tra-ket-qua"])
        self.page(f"/can-bo/hang-doi/{slug}", "GET /can-bo/hang-doi/[queue]")

    @task(1)
    def register(self) -> None:
        if not self.ensure_signed_in():
            return
        self.page("/can-bo/so-theo-doi", "GET /can-bo/so-theo-doi")


class PostOffice(Person):
    """Post-office staff printing the papers of the items they collected."""

    weight = 1
    role = "postal"
    wait_time = between(4, 10)  # a counter: one citizen's papers at a time
    lands = "/buu-dien/"

    @task(1)
    def today(self) -> None:
        if not self.ensure_signed_in():
            return
        self.page("/buu-dien/", "GET /buu-dien/")

    @task(3)
    def print_item(self) -> None:
        if not self.ensure_signed_in():
            return
        item = random.choice(FIXTURES["pickups"])
        shipment, payment = item["shipment"], item["payment"]
        self.page(f"/buu-dien/buu-gui/{shipment}", "GET /buu-dien/buu-gui/[id]")
        self.think()
        self.pdf(f"/buu-dien/buu-gui/{shipment}/nhan-dan.pdf", "GET label nhan-dan.pdf (A6)")
        if random.random() < 0.5:
            self.pdf(f"/buu-dien/bien-lai/{payment}.pdf?kho=80", "GET fee receipt bien-lai (80 mm)")
        else:
            self.pdf(f"/buu-dien/bien-lai/{payment}.pdf", "GET fee receipt bien-lai (A5)")

    @task(1)
    def paper_list(self) -> None:
        if not self.ensure_signed_in():
            return
        shipment = random.choice(FIXTURES["pickups"])["shipment"]
        self.pdf(f"/buu-dien/buu-gui/{shipment}/danh-muc-giay-to.pdf", "GET danh-muc-giay-to.pdf")


@events.quitting.add_listener
def _write_journal(environment: Any, **_: Any) -> None:
    path = os.environ.get("LOAD_JOURNAL")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(JOURNAL, out, ensure_ascii=False)

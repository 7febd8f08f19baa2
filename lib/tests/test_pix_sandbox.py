# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The sandbox PSP's own rules: the spec it loads, the amount of a cobv on the
payment date, request validation and OAuth2."""

import hashlib
import json
import subprocess
import sys
from datetime import date, datetime, timezone
from decimal import Decimal

import openapi_core
import pytest
import requests
from cobranca.calendar import BankCalendar
from cobranca.pix import charge_txid

from sandbox import pix_psp
from sandbox.pix_psp import ChargeNotPayable, cobv_amount, payment_window

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Monday 2 March 2026, noon in Brasília
CALENDAR = BankCalendar()
KEY = pix_psp.DEFAULT_KEY
CPF = "52998224725"


@pytest.fixture(scope="module")
def spec_path():
    path = pix_psp.spec_path()
    assert path.is_file(), f"the API Pix spec is missing from the repository: {path}"
    return path


@pytest.fixture
def psp(spec_path):
    with pix_psp.PixSandbox("client-id", "client-secret", clock=lambda: NOW) as sandbox:
        yield sandbox
        assert sandbox.errors == []


@pytest.fixture
def token(psp):
    answer = requests.post(
        psp.token_url,
        data={"grant_type": "client_credentials"},
        auth=("client-id", "client-secret"),
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def api(psp, token, method, path, **kwargs):
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return requests.request(
        method, psp.base_url + path, headers=headers, timeout=5, **kwargs
    )


def cobv(due="2026-03-02", original="100.00", validade=30, **valor):
    return {
        "calendario": {"dataDeVencimento": due, "validadeAposVencimento": validade},
        "devedor": {"cpf": CPF, "nome": "Fulano de Tal"},
        "valor": {"original": original, **valor},
        "chave": KEY,
    }


def amount(charge, paid_on):
    due = cobv_amount(charge, paid_on, CALENDAR)
    return (due.multa, due.juros, due.abatimento, due.desconto, due.final)


def money(*values):
    return tuple(Decimal(value) for value in values)


# --- The spec as loaded -------------------------------------------------------


def test_the_published_spec_fails_a_strict_load(spec_path):
    raw = pix_psp.load_spec(spec_path)
    with pytest.raises(Exception, match="86400"):
        openapi_core.OpenAPI.from_dict(raw)


def test_every_known_defect_is_fixed_in_memory_only(spec_path):
    digest = hashlib.sha256(spec_path.read_bytes()).hexdigest()
    raw = pix_psp.load_spec(spec_path)
    patched, fixes = pix_psp.patch_spec(raw)
    assert raw == pix_psp.load_spec(spec_path)  # the input is not modified
    assert hashlib.sha256(spec_path.read_bytes()).hexdigest() == digest
    labels = {fix.split()[0] for fix in fixes}
    assert labels == {"O1", "O2", "O3", "O4", "O5", "O6", "X1", "X2", "X3", "X4", "X5"}
    schemas = patched["components"]["schemas"]
    assert schemas["CobExpiracao"]["properties"]["expiracao"]["default"] == 86400
    assert "location" not in schemas["CobVGerada"]["required"]
    assert schemas["PessoaFisica"]["properties"]["cpf"]["pattern"] == r"^(?:\d{11})$"
    assert schemas["TxId"]["pattern"] == "^(?:[a-zA-Z0-9]{26,35})$"
    text = json.dumps(patched)
    assert '"/^' not in text  # no JavaScript-delimited pattern left
    assert "/cobv/{pixUrlAccessToken}" not in patched["paths"]
    # A spec without the defects (e.g. a corrected release) is left as it is.
    again, fixes_again = pix_psp.patch_spec(patched)
    assert fixes_again == []
    assert again == patched


def test_the_spec_examples_validate_once_patched(psp):
    spec = pix_psp.load_spec()
    examples = spec["components"]["examples"]
    # The cobv request example: "loc": {"id": 789} (O3), modalidade "2" (O4),
    # a CPF debtor (O2).
    body = examples["cobBody1"]["value"]
    assert psp.bundle.schema_errors(body, "#/components/schemas/CobVSolicitada") == []
    for name in ("pixWebhook2", "pixResponse1"):
        pix = examples[name]["value"]
        assert psp.bundle.schema_errors(pix, "#/components/schemas/Pix") == []
    # The spec's own pixResponse2 has a 34-character endToEndId: rightly refused.
    bad = examples["pixResponse2"]["value"]
    assert len(bad["endToEndId"]) == 34
    assert psp.bundle.schema_errors(bad, "#/components/schemas/Pix")
    problem = examples["RequisicaoInvalidaCobVExample1"]["value"]
    assert psp.bundle.schema_errors(problem, "#/components/schemas/Problema") == []


def test_anchored_patterns_refuse_what_searching_ones_let_through(psp):
    schema = "#/components/schemas/CobVSolicitada"
    assert psp.bundle.schema_errors(cobv(), schema) == []
    body = cobv(original="R$ 123.45")
    assert any("original" in error for error in psp.bundle.schema_errors(body, schema))
    errors = psp.bundle.schema_errors("a" * 40, "#/components/schemas/TxId")
    assert errors and "does not match" in errors[0]


# --- Payment window (CobDataDeVencimento examples A-G) ------------------------


@pytest.mark.parametrize(
    "example, due, validade, last",
    [
        ("A", date(2020, 10, 20), 4, date(2020, 10, 26)),
        ("B", date(2020, 12, 25), 0, date(2020, 12, 28)),
        ("C", date(2020, 12, 25), 1, date(2020, 12, 29)),
        ("E", date(2020, 12, 25), 4, date(2021, 1, 4)),
        ("F", date(2021, 8, 27), 5, date(2021, 9, 1)),
        ("G", date(2021, 8, 28), 5, date(2021, 9, 6)),
    ],
)
def test_payment_window_follows_the_spec_examples(example, due, validade, last):
    effective, computed = payment_window(due, validade, CALENDAR)
    assert computed == last, example
    assert effective == CALENDAR.next_business_day(due)
    charge = cobv(due=due.isoformat(), validade=validade)
    assert cobv_amount(charge, last, CALENDAR).final == Decimal("100.00")
    with pytest.raises(ChargeNotPayable, match=f"until {last}"):
        cobv_amount(charge, date.fromordinal(last.toordinal() + 1), CALENDAR)


def test_example_d_and_the_bank_calendar_31_december():
    """Example D ends on Thursday 31/12/2020, which the spec counts as a business
    day; the bank calendar (FEBRABAN: no clearing on 31/12) extends it to the
    next business day, Monday 4/1/2021."""
    assert payment_window(date(2020, 12, 25), 3, CALENDAR)[1] == date(2021, 1, 4)

    class SpecCalendar(BankCalendar):
        def is_business_day(self, day):
            return day == date(2020, 12, 31) or super().is_business_day(day)

    assert payment_window(date(2020, 12, 25), 3, SpecCalendar())[1] == date(
        2020, 12, 31
    )


# --- Amount on the payment date -----------------------------------------------


def test_the_spec_example_of_componentes_valor():
    """Pix.componentesValor: R$ 100.00, 2 days late, fine 3%, interest 1% a day."""
    charge = cobv(
        multa={"modalidade": 2, "valorPerc": "3.00"},
        juros={"modalidade": 2, "valorPerc": "1.00"},
    )
    due = cobv_amount(charge, date(2026, 3, 4), CALENDAR)
    assert (due.days_late, due.multa, due.juros, due.final) == money(2, "3", "2", "105")
    assert due.componentes_valor() == {
        "original": {"valor": "100.00"},
        "multa": {"valor": "3.00"},
        "juros": {"valor": "2.00"},
    }


def test_fine_and_monthly_interest_per_calendar_day(load_vectors):
    for case in load_vectors("late_charges.json")["cases"]:
        charge = cobv(
            original=case["principal"],
            validade=case["days_late"] + 1,
            multa={"modalidade": 2, "valorPerc": f"{Decimal(case['fine_pct']):.2f}"},
            juros={
                "modalidade": 3,
                "valorPerc": f"{Decimal(case['interest_monthly_pct']):.2f}",
            },
        )
        paid_on = date.fromordinal(date(2026, 3, 2).toordinal() + case["days_late"])
        multa, juros, _, _, final = amount(charge, paid_on)
        assert (multa, juros, final) == money(
            case["fine"], case["interest"], case["total"]
        )


def test_due_on_a_weekend_paid_on_the_next_business_day_costs_nothing():
    charge = cobv(
        due="2026-03-07",  # Saturday
        multa={"modalidade": 2, "valorPerc": "2.00"},
        juros={"modalidade": 3, "valorPerc": "1.00"},
    )
    assert amount(charge, date(2026, 3, 9)) == money(0, 0, 0, 0, "100.00")  # Monday
    # One day after the extended date: the fine, and interest from Monday.
    assert amount(charge, date(2026, 3, 10)) == money(2, "0.03", 0, 0, "102.03")
    christmas = cobv(due="2026-12-25", multa={"modalidade": 1, "valorPerc": "5.00"})
    assert amount(christmas, date(2026, 12, 28))[-1] == Decimal("100.00")
    assert amount(christmas, date(2026, 12, 29))[0] == Decimal("5.00")


@pytest.mark.parametrize(
    "modalidade, rate, juros",
    [
        (1, "1.50", "21.00"),  # R$ 1.50 per calendar day x 14
        (2, "0.10", "14.00"),  # 0.1% a day x 14
        (3, "3.00", "14.00"),  # 3% a month / 30 x 14
        (4, "36.50", "14.19"),  # 36.5% a year / 360 x 14 = 14.194
        (5, "1.50", "15.00"),  # R$ 1.50 per business day x 10
        (6, "0.10", "10.00"),  # 0.1% per business day x 10
        (7, "2.10", "10.00"),  # 2.1% a month / 21 x 10
        (8, "25.20", "10.00"),  # 25.2% a year / 252 x 10
    ],
)
def test_interest_by_modalidade(modalidade, rate, juros):
    # Due Monday 2/3/2026, paid Monday 16/3: 14 calendar days, 10 business days.
    charge = cobv(
        original="1000.00", juros={"modalidade": modalidade, "valorPerc": rate}
    )
    due = cobv_amount(charge, date(2026, 3, 16), CALENDAR)
    assert (due.days_late, due.business_days_late) == (14, 10)
    assert due.juros == Decimal(juros)
    assert due.multa == 0


def test_interest_modalidade_as_a_string_is_accepted():
    charge = cobv(juros={"modalidade": "3", "valorPerc": "30.00"})
    assert amount(charge, date(2026, 3, 4))[1] == Decimal("2.00")


def test_discounts_until_fixed_dates():
    fixed = {
        "modalidade": 1,
        "descontoDataFixa": [
            {"data": "2026-03-20", "valorPerc": "10.00"},
            {"data": "2026-03-10", "valorPerc": "30.00"},
        ],
    }
    charge = cobv(
        due="2026-03-20", desconto=fixed, multa={"modalidade": 2, "valorPerc": "2.00"}
    )
    assert amount(charge, date(2026, 3, 5))[3] == Decimal("30.00")
    assert amount(charge, date(2026, 3, 10))[3] == Decimal("30.00")
    assert amount(charge, date(2026, 3, 11))[3] == Decimal("10.00")
    assert amount(charge, date(2026, 3, 20)) == money(0, 0, 0, 10, 90)
    assert amount(charge, date(2026, 3, 23)) == money(2, 0, 0, 0, 102)  # late
    percent = dict(fixed, modalidade=2)
    assert amount(
        cobv(due="2026-03-20", original="250.00", desconto=percent), date(2026, 3, 1)
    )[3] == Decimal("75.00")
    # A discount date that is the due date moves with it (Saturday -> Monday).
    weekend = cobv(
        due="2026-03-21",
        desconto={
            "modalidade": 1,
            "descontoDataFixa": [{"data": "2026-03-21", "valorPerc": "5.00"}],
        },
    )
    assert amount(weekend, date(2026, 3, 23))[3] == Decimal("5.00")


@pytest.mark.parametrize(
    "modalidade, rate, paid_on, desconto",
    [
        (3, "0.50", date(2026, 3, 13), "3.50"),  # 7 calendar days early
        (4, "0.50", date(2026, 3, 13), "2.50"),  # 5 business days early
        (5, "0.10", date(2026, 3, 16), "4.00"),  # 0.1% of 1000 x 4 days
        (6, "0.10", date(2026, 3, 13), "5.00"),  # 0.1% of 1000 x 5 business days
        (6, "0.10", date(2026, 3, 20), "0.00"),  # on the due date
    ],
)
def test_discounts_per_day_of_early_payment(modalidade, rate, paid_on, desconto):
    charge = cobv(
        due="2026-03-20",
        original="1000.00",
        desconto={"modalidade": modalidade, "valorPerc": rate},
    )
    assert amount(charge, paid_on)[3] == Decimal(desconto)


def test_rebates_and_the_discount_floor():
    fixed = cobv(abatimento={"modalidade": 1, "valorPerc": "15.00"})
    assert amount(fixed, date(2026, 3, 2)) == money(0, 0, 15, 0, 85)
    percent = cobv(
        abatimento={"modalidade": 2, "valorPerc": "10.00"},
        juros={"modalidade": 2, "valorPerc": "1.00"},
    )
    assert amount(percent, date(2026, 3, 3)) == money(0, 1, 10, 0, 91)
    huge = cobv(due="2026-03-31", desconto={"modalidade": 3, "valorPerc": "20.00"})
    assert amount(huge, date(2026, 3, 2))[-1] == Decimal("0.01")


# --- Payments through the sandbox ---------------------------------------------


def test_simulated_payment_of_a_cobv(psp, token):
    txid = charge_txid("dun", 1)
    body = cobv(
        due="2026-03-07",
        multa={"modalidade": "2", "valorPerc": "2.00"},  # O4: a string is accepted
        juros={"modalidade": 3, "valorPerc": "1.00"},
    )
    answer = api(psp, token, "PUT", f"/cobv/{txid}", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["valor"]["multa"]["modalidade"] == 2  # sent back as integer
    assert psp.amount_due(txid, date(2026, 3, 9)).final == Decimal("100.00")
    pix = psp.simulate_payment(txid, date(2026, 3, 12))  # 3 days after Monday 9/3
    assert len(pix["endToEndId"]) == 32
    assert pix["endToEndId"].startswith("E" + pix_psp.SANDBOX_ISPB + "202603121500")
    assert pix["valor"] == "102.10"
    assert pix["componentesValor"] == {
        "original": {"valor": "100.00"},
        "multa": {"valor": "2.00"},
        "juros": {"valor": "0.10"},
    }
    assert psp.charges[txid].status == "CONCLUIDA"
    with pytest.raises(ChargeNotPayable, match="CONCLUIDA"):
        psp.simulate_payment(txid, date(2026, 3, 12))
    late = charge_txid("dun", 2)
    api(psp, token, "PUT", f"/cobv/{late}", json=cobv(validade=0))
    with pytest.raises(ChargeNotPayable, match="until 2026-03-02"):
        psp.simulate_payment(late, date(2026, 3, 3))
    other = psp.simulate_payment(late, date(2026, 3, 2), Decimal("90.00"))
    assert other["valor"] == "90.00"
    assert "componentesValor" not in other


def test_payment_through_the_control_endpoint(psp, token):
    txid = charge_txid("dun", 3)
    api(psp, token, "PUT", f"/cobv/{txid}", json=cobv(due="2026-03-20"))
    url = psp.origin + "/sandbox/pay"
    assert requests.post(url, json={"txid": txid}, timeout=5).status_code == 401
    answer = requests.post(
        url, json={"txid": txid}, auth=("client-id", "client-secret"), timeout=5
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["valor"] == "100.00"
    assert answer.json()["horario"].startswith("2026-03-02T15:00")
    again = requests.post(
        url, json={"txid": txid}, auth=("client-id", "client-secret"), timeout=5
    )
    assert again.status_code == 400
    assert requests.get(psp.origin + "/sandbox/health", timeout=5).json() == {
        "status": "ok"
    }


# --- Request validation -------------------------------------------------------


def violations(answer):
    assert answer.headers["Content-Type"] == "application/problem+json"
    problem = answer.json()
    return problem["type"].rsplit("/", 1)[-1], {
        item["propriedade"]: item.get("valor") for item in problem.get("violacoes", [])
    }


def test_malformed_requests_are_refused_with_violacoes(psp, token):
    txid = charge_txid("dun", 4)
    body = cobv(due="2026-03-20")
    body["valor"]["original"] = 100  # a number, not "100.00"
    body["calendario"]["validadeAposVencimento"] = "30"
    del body["chave"]
    answer = api(psp, token, "PUT", f"/cobv/{txid}", json=body)
    assert answer.status_code == 400
    assert violations(answer) == (
        "CobVOperacaoInvalida",
        {
            "cobv.valor.original": "100",
            "cobv.calendario.validadeAposVencimento": "30",
            "cobv.chave": None,
        },
    )
    answer = api(psp, token, "PUT", "/cobv/tooShort", json=cobv())
    assert violations(answer) == ("CobVOperacaoInvalida", {"txid": "tooShort"})
    answer = api(
        psp,
        token,
        "PUT",
        f"/cobv/{txid}",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    answer = api(psp, token, "GET", "/pix", params={"inicio": "2026-03-01"})
    assert answer.status_code == 400
    kind, found = violations(answer)
    assert kind == "PixConsultaInvalida"
    assert set(found) == {"inicio", "fim"}
    answer = api(
        psp,
        token,
        "GET",
        "/pix",
        params={
            "inicio": "2026-03-02T00:00:00Z",
            "fim": "2026-03-01T00:00:00Z",
        },
    )
    assert violations(answer) == (
        "PixConsultaInvalida",
        {"fim": "2026-03-01T00:00:00Z"},
    )
    assert api(psp, token, "GET", "/nothing/here").status_code == 404
    assert api(psp, token, "DELETE", f"/cobv/{txid}").status_code == 405
    forbidden = api(
        psp,
        token,
        "POST",
        "/cob",
        json={
            "calendario": {"expiracao": 3600},
            "valor": {"original": "1.00"},
            "chave": KEY,
        },
    )
    assert violations(forbidden)[0] == "AcessoNegado"  # in the spec, not in the sandbox
    assert psp.charges == {}


def test_business_rules_beyond_the_schema(psp, token):
    checks = [
        (cobv(due="2026-03-01"), "cobv.calendario.dataDeVencimento"),  # before today
        (cobv(original="0.00"), "cobv.valor.original"),
        (dict(cobv(), chave="financeiro@empresa.com.br"), "cobv.chave"),
        (dict(cobv(), loc={"id": 789}), "cobv.loc.id"),
        (
            cobv(abatimento={"modalidade": 2, "valorPerc": "100.00"}),
            "cobv.valor.abatimento.valorPerc",
        ),
        (
            cobv(
                desconto={
                    "modalidade": 1,
                    "descontoDataFixa": [{"data": "2026-03-03", "valorPerc": "1.00"}],
                }
            ),
            "cobv.valor.desconto.descontoDataFixa.data",
        ),
        (cobv(multa={"modalidade": 3, "valorPerc": "1.00"}), "cobv.valor.multa"),
    ]
    for body, propriedade in checks:
        answer = api(psp, token, "PUT", f"/cobv/{charge_txid('dun', 5)}", json=body)
        assert answer.status_code == 400, (propriedade, answer.text)
        kind, found = violations(answer)
        assert kind == "CobVOperacaoInvalida"
        assert any(name.startswith(propriedade) for name in found), (propriedade, found)
    assert psp.charges == {}


def test_a_txid_is_unique_across_cob_and_cobv(psp, token):
    txid = charge_txid("dun", 6)
    assert api(psp, token, "PUT", f"/cobv/{txid}", json=cobv()).status_code == 201
    answer = api(
        psp,
        token,
        "PUT",
        f"/cob/{txid}",
        json={
            "calendario": {"expiracao": 3600},
            "valor": {"original": "1.00"},
            "chave": KEY,
        },
    )
    assert violations(answer) == ("CobOperacaoInvalida", {"cob.txid": txid})


def test_an_answer_outside_the_spec_is_a_sandbox_bug(psp, token, monkeypatch):
    original = pix_psp.PixSandbox.render

    def without_status(self, charge, **kwargs):
        body = original(self, charge, **kwargs)
        body["status"] = "PAGA"
        return body

    monkeypatch.setattr(pix_psp.PixSandbox, "render", without_status)
    answer = api(psp, token, "PUT", f"/cobv/{charge_txid('dun', 7)}", json=cobv())
    assert answer.status_code == 500
    assert "sandbox bug" in answer.json()["detail"]
    assert len(psp.errors) == 1 and "PAGA" in psp.errors[0]
    psp.errors.clear()


# --- OAuth2 -------------------------------------------------------------------


def test_the_token_is_checked(psp, token):
    path = f"/cobv/{charge_txid('dun', 8)}"
    missing = requests.get(psp.base_url + path, timeout=5)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    forged = api(psp, "forged", "GET", path)
    assert forged.status_code == 401
    assert 'error="invalid_token"' in forged.headers["WWW-Authenticate"]
    basic = requests.get(
        psp.base_url + path, auth=("client-id", "client-secret"), timeout=5
    )
    assert basic.status_code == 401
    assert api(psp, token, "GET", path).status_code == 404  # authenticated: not found
    psp.revoke_tokens()
    assert api(psp, token, "GET", path).status_code == 401


def test_the_token_endpoint(psp):
    def ask(auth=("client-id", "client-secret"), **data):
        return requests.post(psp.token_url, data=data, auth=auth, timeout=5)

    good = ask(grant_type="client_credentials", scope="cobv.read cobv.write")
    assert good.status_code == 200
    assert good.json()["token_type"] == "Bearer"
    assert good.json()["expires_in"] == 3600
    assert good.json()["scope"] == "cobv.read cobv.write"
    assert good.headers["Cache-Control"] == "no-store"
    wrong = ask(auth=("client-id", "nope"), grant_type="client_credentials")
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    assert ask(auth=None, grant_type="client_credentials").status_code == 401
    grant = ask(grant_type="password")
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    scope = ask(grant_type="client_credentials", scope="cobv.read admin")
    assert (scope.status_code, scope.json()["error"]) == (400, "invalid_scope")
    assert requests.get(psp.token_url, timeout=5).status_code == 405
    # The scopes are enforced per operation, as the spec's security says.
    limited = good.json()["access_token"]
    assert (
        api(
            psp,
            limited,
            "GET",
            "/pix",
            params={
                "inicio": "2026-03-01T00:00:00Z",
                "fim": "2026-03-02T00:00:00Z",
            },
        ).status_code
        == 403
    )


def test_tokens_expire(spec_path):
    with pix_psp.PixSandbox(token_ttl=0, clock=lambda: NOW) as psp:
        answer = requests.post(
            psp.token_url,
            data={"grant_type": "client_credentials"},
            auth=(psp.client_id, psp.client_secret),
            timeout=5,
        )
        expired = answer.json()["access_token"]
        assert (
            api(psp, expired, "GET", f"/cobv/{charge_txid('dun', 9)}").status_code
            == 401
        )


# --- Command line -------------------------------------------------------------


def test_the_command_line_serves_until_terminated(spec_path, tmp_path):
    # Run from anywhere: the sandbox is an installed package.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox.pix_psp",
            "--port",
            "0",
            "--client-id",
            "X",
            "--client-secret",
            "Y",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        base_url = lines[1].split()[-1]
        token_url = lines[2].split()[-1]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v2")
        answer = requests.post(
            token_url,
            data={"grant_type": "client_credentials"},
            auth=("X", "Y"),
            timeout=5,
        )
        assert answer.status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
        process.stdout.close()

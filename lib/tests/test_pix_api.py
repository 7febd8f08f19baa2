# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The API Pix client against the sandbox PSP (a real HTTP server on 127.0.0.1)."""

import contextlib
import json
import re
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import requests
from cobranca.pix import (
    Desconto,
    JurosModalidade,
    MultaModalidade,
    PixApiClient,
    PixApiError,
    PixApiInvalidResponse,
    PixApiTimeout,
    PixApiUnavailable,
    PixError,
    build_brcode,
    charge_txid,
    cob_body,
    cobv_body,
    format_amount,
    parse_brcode,
    validate_devolucao_id,
    validate_e2eid,
)
from requests.adapters import BaseAdapter

from sandbox import pix_psp
from sandbox.pix_psp.server import serve

UTC = timezone.utc
#: The sandbox's "now": Monday 2 March 2026, 12:00 in Brasília.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
KEY = pix_psp.DEFAULT_KEY
CPF = "529.982.247-25"
CNPJ = "11.222.333/0001-81"
FAST = {"timeout": (2, 2), "retries": 2, "backoff": 0.01}


@pytest.fixture(scope="module")
def spec_available():
    path = pix_psp.spec_path()
    assert path.is_file(), f"the API Pix spec is missing from the repository: {path}"


@pytest.fixture
def psp(spec_available):
    with pix_psp.PixSandbox("client-id", "client-secret", clock=lambda: NOW) as sandbox:
        yield sandbox
        assert sandbox.errors == [], "the sandbox answered outside the spec"


@pytest.fixture
def client(psp):
    with PixApiClient(
        psp.base_url, psp.token_url, "client-id", "client-secret", **FAST
    ) as api:
        api.sleeps = []
        api._sleep = api.sleeps.append  # no real waiting in retry tests
        yield api


@pytest.fixture
def receiver():
    with pix_psp.WebhookRecorder() as recorder:
        yield recorder


def a_cobv(number=1, **changes):
    arguments = {
        "devedor_cpf_or_cnpj": CPF,
        "devedor_nome": "Fulano de Tal",
        "valor_original": Decimal("150.00"),
        "data_vencimento": date(2026, 3, 20),
        "validade_apos_vencimento": 30,
        "chave": KEY,
        "multa_pct": Decimal(2),
        "juros_monthly_pct": Decimal(1),
        "solicitacao_pagador": f"Parcela {number}",
    }
    arguments.update(changes)
    return charge_txid("dun", number), cobv_body(**arguments)


# --- Bodies -------------------------------------------------------------------


def test_cobv_body_is_the_spec_json():
    body = cobv_body(
        devedor_cpf_or_cnpj=CPF,
        devedor_nome="  Fulano de Tal ",
        valor_original=Decimal(150),
        data_vencimento=date(2026, 3, 20),
        validade_apos_vencimento=15,
        chave="  7F6844D0-DE89-47E5-9EF7-E0A35A681615 ",
        multa_pct=Decimal(2),
        juros_monthly_pct=Decimal("1.5"),
        solicitacao_pagador="Parcela 1/3",
        info_adicionais=[("Contrato", "123"), {"nome": "Parcela", "valor": "1 de 3"}],
    )
    assert body == {
        "calendario": {"dataDeVencimento": "2026-03-20", "validadeAposVencimento": 15},
        "devedor": {"cpf": "52998224725", "nome": "Fulano de Tal"},
        "valor": {
            "original": "150.00",
            "multa": {"modalidade": 2, "valorPerc": "2.00"},
            "juros": {"modalidade": 3, "valorPerc": "1.50"},
        },
        "chave": KEY,
        "solicitacaoPagador": "Parcela 1/3",
        "infoAdicionais": [
            {"nome": "Contrato", "valor": "123"},
            {"nome": "Parcela", "valor": "1 de 3"},
        ],
    }
    # Integers on the wire, not enum reprs.
    assert json.loads(json.dumps(body))["valor"]["juros"]["modalidade"] == 3


def test_juros_modalidade_is_the_one_of_the_spec_table(spec_available):
    """'Percentual ao mês (dias corridos)' read from the spec, not guessed."""
    spec = pix_psp.load_spec()
    juros = spec["components"]["schemas"]["CobVValor"]["properties"]["juros"]
    table = juros["properties"]["modalidade"]["description"]
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", table))
    assert int(rows["Percentual ao mês (dias corridos)"]) == 3
    assert JurosModalidade.PERCENTUAL_MES_DIAS_CORRIDOS == 3
    assert {member.value for member in JurosModalidade} == {
        int(value) for value in rows.values()
    }
    multa = spec["components"]["schemas"]["CobVValor"]["properties"]["multa"]
    rows = re.findall(
        r"<td>([^<]+)</td><td>(\d+)</td>",
        multa["properties"]["modalidade"]["description"],
    )
    assert ("Percentual", str(MultaModalidade.PERCENTUAL.value)) in rows


def test_cobv_body_with_a_cnpj_debtor_and_no_late_charges():
    body = cobv_body(
        devedor_cpf_or_cnpj=CNPJ,
        devedor_nome="Empresa",
        valor_original=Decimal("10.50"),
        data_vencimento=date(2026, 3, 20),
        validade_apos_vencimento=0,
        chave=KEY,
        multa_pct=None,
        juros_monthly_pct=Decimal(0),
        devedor_email="financeiro@empresa.com.br",
        devedor_uf="sp",
        devedor_cep="01001-000",
    )
    assert body["devedor"] == {
        "cnpj": "11222333000181",
        "nome": "Empresa",
        "email": "financeiro@empresa.com.br",
        "uf": "SP",
        "cep": "01001000",
    }
    assert body["valor"] == {"original": "10.50"}


@pytest.mark.parametrize(
    "change, error",
    [
        ({"devedor_cpf_or_cnpj": "529.982.247-26"}, ValueError),  # check digit
        ({"devedor_cpf_or_cnpj": "1234"}, ValueError),
        ({"devedor_nome": "  "}, ValueError),
        ({"devedor_nome": "x" * 201}, ValueError),
        ({"valor_original": 150.0}, TypeError),
        ({"valor_original": Decimal(0)}, ValueError),
        ({"valor_original": Decimal(-1)}, ValueError),
        ({"valor_original": Decimal("1.001")}, ValueError),
        ({"valor_original": Decimal("10000000000.00")}, ValueError),
        ({"multa_pct": 2.0}, TypeError),
        ({"juros_monthly_pct": Decimal("0.033")}, ValueError),
        ({"data_vencimento": datetime(2026, 3, 20)}, TypeError),
        ({"validade_apos_vencimento": -1}, ValueError),
        ({"chave": "not a key"}, ValueError),
        ({"solicitacao_pagador": "x" * 141}, ValueError),
        ({"info_adicionais": [("n", "v")] * 51}, ValueError),
        ({"abatimento": Decimal("150.00")}, ValueError),
    ],
)
def test_cobv_body_refuses_what_the_api_would(change, error):
    with pytest.raises(error):
        a_cobv(**change)


def test_cobv_body_discounts(psp):
    until = Desconto.fixed_until(
        [(date(2026, 3, 20), Decimal("5.00")), (date(2026, 3, 10), Decimal("10.00"))]
    )
    _, body = a_cobv(desconto=until, abatimento=Decimal("1.00"))
    assert body["valor"]["desconto"] == {
        "modalidade": 1,
        "descontoDataFixa": [
            {"data": "2026-03-10", "valorPerc": "10.00"},
            {"data": "2026-03-20", "valorPerc": "5.00"},
        ],
    }
    assert body["valor"]["abatimento"] == {"modalidade": 1, "valorPerc": "1.00"}
    _, per_day = a_cobv(
        desconto=Desconto.per_day_early(
            Decimal("0.10"), percent=True, business_days=True
        )
    )
    assert per_day["valor"]["desconto"] == {"modalidade": 6, "valorPerc": "0.10"}
    for payload in (body, per_day):
        schema = "#/components/schemas/CobVSolicitada"
        assert psp.bundle.schema_errors(payload, schema) == []
    with pytest.raises(ValueError, match="on or before the due date"):
        a_cobv(desconto=Desconto.fixed_until([(date(2026, 3, 21), Decimal(1))]))
    with pytest.raises(ValueError, match="below 100%"):
        a_cobv(desconto=Desconto.per_day_early(Decimal(100), percent=True))


def test_cob_body():
    body = cob_body(
        valor_original=Decimal(37),
        chave=KEY,
        expiracao=3600,
        devedor_cpf_or_cnpj=CNPJ,
        devedor_nome="Empresa",
        payer_may_change_amount=True,
    )
    assert body == {
        "calendario": {"expiracao": 3600},
        "devedor": {"cnpj": "11222333000181", "nome": "Empresa"},
        "valor": {"original": "37.00", "modalidadeAlteracao": 1},
        "chave": KEY,
    }
    with pytest.raises(ValueError):
        cob_body(valor_original=Decimal(1), chave=KEY, expiracao=0)
    with pytest.raises(ValueError):
        cob_body(valor_original=Decimal(1), chave=KEY, devedor_nome="Sem documento")


def test_format_amount_and_identifiers():
    assert format_amount(Decimal("1234.5")) == "1234.50"
    assert format_amount(7) == "7.00"
    assert format_amount(Decimal(0), zero=True) == "0.00"
    for bad, error in (
        (1.5, TypeError),
        (True, TypeError),
        (Decimal("NaN"), ValueError),
    ):
        with pytest.raises(error):
            format_amount(bad)
    assert validate_e2eid("E" + "1" * 31) == "E" + "1" * 31
    for bad in ("E123", "E" + "1" * 32, "E-" + "1" * 30):
        with pytest.raises(ValueError):
            validate_e2eid(bad)
    assert validate_devolucao_id("D1") == "D1"
    for bad in ("", "a" * 36, "dev-1"):
        with pytest.raises(ValueError):
            validate_devolucao_id(bad)


def test_client_checks_its_settings():
    with pytest.raises(ValueError):
        PixApiClient("pix.example.com/v2", "https://pix.example.com/oauth", "i", "s")
    with pytest.raises(ValueError):
        PixApiClient("https://pix.example.com/v2", "https://x/oauth", "", "s")
    with pytest.raises(ValueError):
        PixApiClient("https://x/v2", "https://x/oauth", "i", "s", timeout=None)
    with pytest.raises(ValueError):
        PixApiClient("https://x/v2", "https://x/oauth", "i", "s", retries=-1)


# --- Happy paths --------------------------------------------------------------


def test_token_is_fetched_once_and_cached(psp, client):
    txid, body = a_cobv()
    client.put_cobv(txid, body)
    client.get_cobv(txid)
    tokens = psp.token_requests()
    assert len(tokens) == 1
    assert tokens[0].headers["Authorization"].startswith("Basic ")
    assert tokens[0].body == b"grant_type=client_credentials"
    for request in psp.api_requests():
        assert request.headers["Authorization"].startswith("Bearer ")


def test_put_cobv_happy_path(psp, client):
    txid, body = a_cobv()
    charge = client.put_cobv(txid, body)
    sent = psp.api_requests()[-1]
    assert (sent.method, sent.path, sent.status) == ("PUT", f"/api/v2/cobv/{txid}", 201)
    assert sent.json == body
    assert (
        psp.bundle.schema_errors(sent.json, "#/components/schemas/CobVSolicitada") == []
    )
    assert charge["txid"] == txid
    assert charge["status"] == "ATIVA"
    assert charge["revisao"] == 0
    assert charge["valor"] == body["valor"]
    assert charge["devedor"] == body["devedor"]
    assert charge["calendario"]["dataDeVencimento"] == "2026-03-20"
    assert set(charge["recebedor"]) >= {
        "cnpj",
        "nome",
        "logradouro",
        "cidade",
        "uf",
        "cep",
    }
    brcode = parse_brcode(charge["pixCopiaECola"])
    assert brcode["point_of_initiation"] == "dynamic"
    assert brcode["url"] == charge["loc"]["location"]
    assert brcode["key"] is None
    assert brcode["txid"] == "***"
    assert client.get_cobv(txid)["pixCopiaECola"] == charge["pixCopiaECola"]


def test_put_cobv_again_with_the_same_body_is_idempotent(psp, client):
    txid, body = a_cobv()
    first = client.put_cobv(txid, body)
    again = client.put_cobv(txid, body)
    assert again == first
    assert again["revisao"] == 0
    assert list(psp.charges) == [txid]


def test_put_cobv_with_another_body_revises_an_active_charge(psp, client):
    """The spec only refuses a PUT that alters a charge that is not ATIVA."""
    txid, body = a_cobv()
    client.put_cobv(txid, body)
    body["valor"]["original"] = "175.00"
    revised = client.put_cobv(txid, body)
    assert (revised["revisao"], revised["valor"]["original"]) == (1, "175.00")
    client.cancel_cobv(txid)
    body["valor"]["original"] = "180.00"
    with pytest.raises(PixApiError) as caught:
        client.put_cobv(txid, body)
    assert caught.value.status == 400
    assert caught.value.error_name == "CobVOperacaoInvalida"
    assert "não está ATIVA" in str(caught.value)


def test_put_cobv_with_another_body_on_a_psp_that_rejects_it(spec_available):
    psp = pix_psp.PixSandbox(clock=lambda: NOW, put_existing="reject").start()
    client = PixApiClient(
        psp.base_url, psp.token_url, psp.client_id, psp.client_secret, **FAST
    )
    with psp, client:
        txid, body = a_cobv()
        client.put_cobv(txid, body)
        assert client.put_cobv(txid, body)["revisao"] == 0
        body["valor"]["original"] = "175.00"
        with pytest.raises(PixApiError, match="txid já está em uso"):
            client.put_cobv(txid, body)


def test_patch_and_revisions(client):
    txid, body = a_cobv()
    client.put_cobv(txid, body)
    patched = client.patch_cobv(txid, {"valor": {"original": "160.00"}})
    assert patched["revisao"] == 1
    assert patched["valor"]["multa"] == body["valor"]["multa"]  # merged, not replaced
    assert client.get_cobv(txid, revisao=0)["valor"]["original"] == "150.00"
    assert client.get_cobv(txid)["valor"]["original"] == "160.00"
    with pytest.raises(PixApiError) as caught:
        client.get_cobv(txid, revisao=5)
    assert caught.value.error_name == "CobVConsultaInvalida"
    removed = client.cancel_cobv(txid)
    assert (removed["status"], removed["revisao"]) == (
        "REMOVIDA_PELO_USUARIO_RECEBEDOR",
        2,
    )
    with pytest.raises(PixApiError, match="CobVOperacaoInvalida"):
        client.patch_cobv(txid, {"solicitacaoPagador": "x"})


def test_cob_happy_path(psp, client):
    txid = charge_txid("dun", "cob", 1)
    body = cob_body(valor_original=Decimal("37.00"), chave=KEY, expiracao=3600)
    charge = client.put_cob(txid, body)
    assert charge["calendario"]["expiracao"] == 3600
    assert charge["location"] == charge["loc"]["location"]
    brcode = parse_brcode(charge["pixCopiaECola"])
    assert (brcode["url"], brcode["amount"]) == (charge["location"], Decimal("37.00"))
    revised = client.patch_cob(txid, {"valor": {"original": "40.00"}})
    assert parse_brcode(revised["pixCopiaECola"])["amount"] == Decimal("40.00")
    pix = psp.simulate_payment(txid, date(2026, 3, 2))
    assert pix["valor"] == "40.00"
    complete = client.get_cob(txid)
    assert complete["status"] == "CONCLUIDA"
    assert [item["endToEndId"] for item in complete["pix"]] == [pix["endToEndId"]]
    with pytest.raises(PixApiError, match="CobVNaoEncontrada"):
        client.get_cobv(txid)  # a cob is not a cobv


# --- Errors -------------------------------------------------------------------


def test_invalid_cpf_answers_400_with_violacoes(psp, client):
    txid, body = a_cobv()
    body["devedor"]["cpf"] = "12345678900"  # 11 digits, wrong check digits
    with pytest.raises(PixApiError) as caught:
        client.put_cobv(txid, body)
    error = caught.value
    assert (error.status, error.error_name) == (400, "CobVOperacaoInvalida")
    assert error.type == "https://pix.bcb.gov.br/api/v2/error/CobVOperacaoInvalida"
    assert [(v["propriedade"], v["valor"]) for v in error.violacoes] == [
        ("cobv.devedor.cpf", "12345678900")
    ]
    assert error.correlation_id
    text = str(error)
    assert f"PUT /api/v2/cobv/{txid}: HTTP 400 CobVOperacaoInvalida" in text
    assert "(1) cobv.devedor.cpf = '12345678900': O campo cobv.devedor.cpf" in text
    assert error.correlation_id in text
    assert len(psp.api_requests()) == 1  # a 4xx is not retried


def test_schema_violations_are_listed(client):
    txid, body = a_cobv()
    body["valor"]["original"] = "-10.00"
    del body["chave"]
    body["devedor"]["cpf"] = "123"
    with pytest.raises(PixApiError) as caught:
        client.put_cobv(txid, body)
    violacoes = {v["propriedade"]: v for v in caught.value.violacoes}
    assert set(violacoes) == {"cobv.valor.original", "cobv.chave", "cobv.devedor.cpf"}
    assert violacoes["cobv.valor.original"]["valor"] == "-10.00"
    assert violacoes["cobv.devedor.cpf"]["valor"] == "123"
    text = str(caught.value)
    for name in violacoes:
        assert name in text


def test_the_client_validates_before_sending(psp, client):
    txid, body = a_cobv()
    for call, error in (
        (lambda: client.put_cobv("short", body), ValueError),
        (lambda: client.put_cobv(txid + "-", body), ValueError),
        (
            lambda: client.put_cobv(txid, {**body, "valor": {"original": 10.0}}),
            TypeError,
        ),
        (lambda: client.get_cobv(txid, revisao=-1), ValueError),
        (lambda: client.get_pix("E123"), ValueError),
        (lambda: client.put_devolucao("E" + "1" * 31, "a-b", Decimal(1)), ValueError),
        (lambda: client.put_devolucao("E" + "1" * 31, "d1", 1.0), TypeError),
        (
            lambda: client.put_devolucao("E" + "1" * 31, "d1", Decimal(1), "X"),
            ValueError,
        ),
        (lambda: client.put_webhook("not a key", "https://x.example/w"), ValueError),
        (lambda: client.put_webhook(KEY, "x.example/w"), ValueError),
        (lambda: client.list_pix(NOW, NOW.replace(tzinfo=None)), ValueError),
        (lambda: client.list_pix(NOW, NOW - timedelta(1)), ValueError),
        (lambda: client.list_pix(NOW, NOW, cpf="123"), ValueError),
        (lambda: client.list_pix(NOW, NOW, itens_por_pagina=1001), ValueError),
    ):
        with pytest.raises(error):
            call()
    assert psp.requests == []


def test_a_decimal_in_a_raw_body_is_sent_as_an_amount(psp, client):
    txid, body = a_cobv()
    body["valor"]["original"] = Decimal("99.9")
    assert client.put_cobv(txid, body)["valor"]["original"] == "99.90"


def test_not_found(client):
    with pytest.raises(PixApiError) as caught:
        client.get_cobv(charge_txid("dun", "nope"))
    assert (caught.value.status, caught.value.error_name) == (404, "CobVNaoEncontrada")
    with pytest.raises(PixApiError, match="PixNaoEncontrado"):
        client.get_pix("E" + "0" * 31)


def test_503_then_success_is_retried(psp, client):
    psp.fail_next(2, 503)
    txid, body = a_cobv()
    assert client.put_cobv(txid, body)["txid"] == txid
    assert [r.status for r in psp.api_requests()] == [503, 503, 201]
    assert client.sleeps == [0.01, 0.02]  # exponential backoff


def test_5xx_until_the_retries_are_exhausted(psp, client):
    psp.fail_next(5, 503)
    with pytest.raises(PixApiUnavailable) as caught:
        client.get_cobv(charge_txid("dun", 1))
    error = caught.value
    assert (error.status, error.error_name, error.attempts) == (
        503,
        "ServicoIndisponivel",
        3,
    )
    assert isinstance(error, PixApiError) and isinstance(error, PixError)
    assert "after 3 attempts" in str(error)
    assert len(psp.api_requests()) == 3


def test_429_honours_retry_after(psp, client):
    psp.fail_next(1, 429, retry_after=2)
    txid, body = a_cobv()
    client.put_cobv(txid, body)
    assert client.sleeps == [2.0]
    assert [r.status for r in psp.api_requests()] == [429, 201]


def test_a_retry_after_too_long_is_not_waited_for(psp, client):
    psp.fail_next(1, 429, retry_after=3600)
    with pytest.raises(PixApiUnavailable) as caught:
        client.get_cobv(charge_txid("dun", 1))
    assert caught.value.status == 429
    assert client.sleeps == []


def test_timeout_after_the_retries(psp):
    psp.delay_next(3, seconds=2.0)
    client = PixApiClient(
        psp.base_url,
        psp.token_url,
        "client-id",
        "client-secret",
        timeout=(1, 0.2),
        retries=2,
        backoff=0.01,
    )
    started = time.monotonic()
    with client, pytest.raises(PixApiTimeout) as caught:
        client.get_cobv(charge_txid("dun", 1))
    assert time.monotonic() - started < 1.5
    assert caught.value.status is None
    assert caught.value.attempts == 3
    assert len(psp.api_requests()) == 3


def test_a_put_that_timed_out_is_retried_safely(psp):
    """The first PUT is applied after the client gave up; the retry of the
    same body gets the same charge (PUT is idempotent by txid)."""
    psp.delay_next(1, seconds=0.4)
    txid, body = a_cobv()
    with PixApiClient(
        psp.base_url,
        psp.token_url,
        "client-id",
        "client-secret",
        timeout=(1, 0.2),
        retries=3,
        backoff=0.3,
    ) as client:
        charge = client.put_cobv(txid, body)
    assert charge["revisao"] == 0
    assert list(psp.charges) == [txid]
    assert psp.charges[txid].revisao == 0


def test_connection_refused(spec_available):
    with pix_psp.PixSandbox() as psp:
        base_url, token_url = psp.base_url, psp.token_url
    client = PixApiClient(base_url, token_url, "i", "s", **FAST)
    with client, pytest.raises(PixApiUnavailable, match="Connection error"):
        client.get_cobv(charge_txid("dun", 1))


def test_401_renews_the_token_once(psp, client):
    txid, body = a_cobv()
    client.put_cobv(txid, body)
    psp.revoke_tokens()
    assert client.get_cobv(txid)["txid"] == txid
    assert len(psp.token_requests()) == 2
    assert [r.status for r in psp.api_requests()] == [201, 401, 200]


def test_401_after_renewal_is_an_error(psp, client):
    psp.refuse_all_tokens = True
    with pytest.raises(PixApiError) as caught:
        client.get_cobv(charge_txid("dun", 1))
    assert caught.value.status == 401
    assert not isinstance(caught.value, PixApiUnavailable)
    assert len(psp.token_requests()) == 2
    assert len(psp.api_requests()) == 2


def test_an_expiring_token_is_renewed_before_use(spec_available):
    with pix_psp.PixSandbox(token_ttl=100, clock=lambda: NOW) as psp:
        clock = [1000.0]
        with PixApiClient(
            psp.base_url,
            psp.token_url,
            psp.client_id,
            psp.client_secret,
            token_margin=10,
            **FAST,
        ) as client:
            client._monotonic = lambda: clock[0]
            txid, body = a_cobv()
            client.put_cobv(txid, body)
            clock[0] += 89  # expires_in 100 - margin 10 = 90 s of use
            client.get_cobv(txid)
            assert len(psp.token_requests()) == 1
            clock[0] += 2
            client.get_cobv(txid)
            assert len(psp.token_requests()) == 2
            assert 401 not in [r.status for r in psp.api_requests()]


def test_wrong_client_credentials(psp):
    with (
        PixApiClient(
            psp.base_url, psp.token_url, "client-id", "wrong", **FAST
        ) as client,
        pytest.raises(PixApiError) as caught,
    ):
        client.get_cobv(charge_txid("dun", 1))
    assert caught.value.status == 401
    assert caught.value.title == "invalid_client"
    assert psp.api_requests() == []


def test_scopes(psp):
    with PixApiClient(
        psp.base_url,
        psp.token_url,
        "client-id",
        "client-secret",
        scope="cobv.read",
        **FAST,
    ) as client:
        txid, body = a_cobv()
        with pytest.raises(PixApiError) as caught:
            client.put_cobv(txid, body)
        assert (caught.value.status, caught.value.error_name) == (403, "AcessoNegado")
        assert "cobv.write" in str(caught.value)
    assert "scope=cobv.read" in psp.token_requests()[0].body.decode()


# --- Responses the client refuses (a PSP that breaks the spec) ----------------


class ScriptedAdapter(BaseAdapter):
    """A transport answering from a script: ``(status, headers, body)``."""

    def __init__(self, answers):
        super().__init__()
        self.answers = list(answers)
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        status, headers, body = self.answers.pop(0)
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = (
            body if isinstance(body, bytes) else json.dumps(body).encode()
        )
        response.url = request.url
        response.request = request
        response.reason = {200: "OK", 201: "Created", 400: "Bad Request"}.get(status)
        return response

    def close(self):
        pass


def scripted_client(*answers):
    token = (200, {}, {"access_token": "t", "token_type": "bearer", "expires_in": 300})
    adapter = ScriptedAdapter([token, *answers])
    session = requests.Session()
    session.mount("https://", adapter)
    client = PixApiClient(
        "https://psp.example/api/v2",
        "https://psp.example/oauth/token",
        "id",
        "secret",
        session=session,
        **FAST,
    )
    client._sleep = lambda _seconds: None
    return client, adapter


def test_an_invalid_pix_copia_e_cola_is_refused():
    location = "psp.example/qr/v2/cobv/0a1b2c"
    payload = build_brcode(url=location, merchant_name="PSP", merchant_city="Recife")
    broken = payload[:-4] + ("0000" if payload[-4:] != "0000" else "1111")
    txid = charge_txid("dun", 1)
    charge = {"txid": txid, "loc": {"location": location}, "pixCopiaECola": broken}
    client, _ = scripted_client((201, {}, charge))
    with pytest.raises(PixApiInvalidResponse, match="CRC mismatch") as caught:
        client.get_cobv(txid)
    assert caught.value.body == charge
    static = build_brcode(key=KEY, merchant_name="PSP", merchant_city="Recife")
    client, _ = scripted_client((200, {}, {**charge, "pixCopiaECola": static}))
    with pytest.raises(PixApiInvalidResponse, match="static payload"):
        client.get_cobv(txid)
    other = build_brcode(
        url="psp.example/qr/other", merchant_name="P", merchant_city="R"
    )
    client, _ = scripted_client((200, {}, {**charge, "pixCopiaECola": other}))
    with pytest.raises(PixApiInvalidResponse, match="not the charge's location"):
        client.get_cobv(txid)
    client, _ = scripted_client((200, {}, {**charge, "txid": charge_txid("dun", 2)}))
    with pytest.raises(PixApiInvalidResponse, match="charge dun"):
        client.get_cobv(txid)  # another charge than the one asked for
    client, _ = scripted_client((200, {}, {**charge, "pixCopiaECola": payload}))
    assert client.get_cobv(txid)["pixCopiaECola"] == payload


def test_errors_that_are_not_problem_json():
    client, adapter = scripted_client(
        (400, {"Content-Type": "text/html", "X-Request-ID": "r1"}, b"<h1>Bad</h1>"),
        (200, {"Content-Type": "text/plain"}, b"not json"),
    )
    with pytest.raises(PixApiError) as caught:
        client.get_cobv(charge_txid("dun", 1))
    assert (caught.value.status, caught.value.title) == (400, "Bad Request")
    assert caught.value.detail == "<h1>Bad</h1>"
    assert caught.value.correlation_id == "r1"
    with pytest.raises(PixApiInvalidResponse, match="not JSON"):
        client.get_pix("E" + "1" * 31)
    assert [r.method for r in adapter.sent] == ["POST", "GET", "GET"]


@contextlib.contextmanager
def local_client(handle):
    """A client of a real local server answering with ``handle(method,
    target, headers, body) -> (status, headers, body)``; it records its
    waits in ``sleeps``."""
    server, thread = serve(handle, "127.0.0.1", 0)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with PixApiClient(
            origin + "/api/v2", origin + "/oauth/token", "id", "secret", **FAST
        ) as client:
            client.sleeps = []
            client._sleep = client.sleeps.append
            yield client
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_502_page_from_a_proxy_is_retried_then_reported():
    """A proxy's HTML error page (a real local server): urllib3 retries it
    like any 5xx, then the client reports it."""
    hits = []

    def proxy(method, target, _headers, _body):
        hits.append((method, target.split("?")[0]))
        if target.startswith("/oauth/token"):
            token = {"access_token": "t", "token_type": "bearer", "expires_in": 300}
            return 200, {"Content-Type": "application/json"}, json.dumps(token).encode()
        return 502, {"Content-Type": "text/html"}, b"<html>Bad Gateway</html>"

    with local_client(proxy) as client, pytest.raises(PixApiUnavailable) as caught:
        client.get_pix("E" + "1" * 31)
    assert (caught.value.status, caught.value.attempts) == (502, 3)
    assert "Bad Gateway" in str(caught.value)
    assert (
        hits == [("POST", "/oauth/token")] + [("GET", "/api/v2/pix/E" + "1" * 31)] * 3
    )
    assert client.sleeps == [0.01, 0.02]


def test_the_token_request_is_never_sent_twice():
    """A POST is not idempotent: a 503 of the token endpoint is reported at
    once, without a second request."""
    hits = []

    def token_endpoint(method, target, _headers, _body):
        hits.append((method, target))
        return 503, {"Content-Type": "text/plain"}, b"busy"

    with (
        local_client(token_endpoint) as client,
        pytest.raises(PixApiUnavailable) as caught,
    ):
        client.get_pix("E" + "1" * 31)
    assert client.sleeps == []  # no retry, hence no wait
    assert (caught.value.status, caught.value.attempts) == (503, 1)
    assert hits == [("POST", "/oauth/token")]


def test_a_session_given_is_used_as_is():
    """The client's retries are an adapter of its own session: a session
    given by the caller keeps its own adapters (here: no retries)."""
    page = (502, {"Content-Type": "text/html"}, b"<html>Bad Gateway</html>")
    client, adapter = scripted_client(page)
    with pytest.raises(PixApiUnavailable) as caught:
        client.get_pix("E" + "1" * 31)
    assert (caught.value.status, caught.value.attempts) == (502, 1)
    assert [r.method for r in adapter.sent] == ["POST", "GET"]


def test_problem_str_lists_every_violacao():
    error = PixApiError(
        400,
        "https://pix.bcb.gov.br/api/v2/error/CobVOperacaoInvalida",
        "Cobrança inválida.",
        "A requisição não respeita o _schema_.",
        [
            {"razao": "CPF inválido.", "propriedade": "cobv.devedor.cpf", "valor": "1"},
            {"razao": "Valor zero", "propriedade": "cobv.valor.original"},
        ],
        "abc-123",
        method="PUT",
        url="https://psp.example/api/v2/cobv/x?y=1",
    )
    assert str(error) == (
        "PUT /api/v2/cobv/x: HTTP 400 CobVOperacaoInvalida: Cobrança inválida. "
        "A requisição não respeita o _schema_. Violations: (1) cobv.devedor.cpf = "
        "'1': CPF inválido; (2) cobv.valor.original: Valor zero. "
        "[correlationId abc-123]"
    )


# --- Pix received, refunds, webhook -------------------------------------------


def pay_charges(psp, client, count):
    paid = []
    for number in range(1, count + 1):
        txid, body = a_cobv(number)
        client.put_cobv(txid, body)
        paid.append(
            psp.simulate_payment(txid, date(2026, 3, 2) + timedelta(days=number))
        )
    return paid


def test_get_pix_and_list_pix_pages(psp, client):
    paid = pay_charges(psp, client, 5)
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
    assert client.get_pix(paid[0]["endToEndId"]) == paid[0]
    page = client.list_pix(start, end, pagina=1, itens_por_pagina=2)
    assert page["parametros"]["paginacao"] == {
        "paginaAtual": 1,
        "itensPorPagina": 2,
        "quantidadeDePaginas": 3,
        "quantidadeTotalDeItens": 5,
    }
    assert page["pix"] == paid[2:4]
    psp.requests.clear()
    assert list(client.iter_pix(start, end, itens_por_pagina=2)) == paid
    pages = [r.query["paginacao.paginaAtual"] for r in psp.api_requests()]
    assert pages == [["0"], ["1"], ["2"]]
    assert list(client.iter_pix(start, end, txid=paid[3]["txid"])) == [paid[3]]
    assert list(client.iter_pix(start, end, cpf=CPF)) == paid
    assert list(client.iter_pix(start, end, cnpj=CNPJ)) == []
    txid, body = a_cobv(6)
    client.put_cobv(txid, body)
    by_company = psp.simulate_payment(txid, date(2026, 3, 9), payer=CNPJ)
    assert list(client.iter_pix(start, end, cnpj=CNPJ)) == [by_company]
    window = datetime(2026, 3, 4, 3, tzinfo=UTC), datetime(2026, 3, 6, 3, tzinfo=UTC)
    assert list(client.iter_pix(*window)) == paid[1:3]  # 3 and 4 March in Brasília


def test_devolucao(psp, client, receiver):
    client.put_webhook(KEY, receiver.url)
    (pix,) = pay_charges(psp, client, 1)
    receiver.notifications.clear()
    e2eid = pix["endToEndId"]
    refund = client.put_devolucao(e2eid, "D1", Decimal("10.00"), descricao="Ajuste")
    assert refund["status"] == "EM_PROCESSAMENTO"
    assert re.fullmatch(r"D[0-9]{8}[0-9]{12}[a-zA-Z0-9]{11}", refund["rtrId"])
    assert (
        client.put_devolucao(e2eid, "D1", Decimal("10.00"), descricao="Ajuste")
        == refund
    )
    with pytest.raises(PixApiError, match="já utilizado"):
        client.put_devolucao(e2eid, "D1", Decimal("11.00"))
    with pytest.raises(PixApiError) as caught:
        client.put_devolucao(e2eid, "D2", Decimal(pix["valor"]))
    assert caught.value.error_name == "PixDevolucaoInvalida"
    assert "excederia o valor do pix" in str(caught.value)
    psp.settle_refund(e2eid, "D1")
    settled = client.get_devolucao(e2eid, "D1")
    assert settled["status"] == "DEVOLVIDO"
    assert "liquidacao" in settled["horario"]
    assert client.get_pix(e2eid)["devolucoes"] == [settled]
    ((path, notification),) = receiver.notifications
    assert path == "/webhook/pix"
    assert notification["pix"][0]["devolucoes"] == [settled]
    with pytest.raises(PixApiError, match="PixDevolucaoNaoEncontrada"):
        client.get_devolucao(e2eid, "D9")


def test_webhook_registration_and_delivery(psp, client, receiver):
    client.put_webhook(KEY, receiver.url)
    webhook = client.get_webhook(KEY)
    assert (webhook["webhookUrl"], webhook["chave"]) == (receiver.url, KEY)
    assert webhook["criacao"]
    txid, body = a_cobv()
    client.put_cobv(txid, body)
    pix = psp.simulate_payment(txid, date(2026, 3, 20), info_pagador="Parcela 1")
    assert receiver.notifications == [("/webhook/pix", {"pix": [pix]})]
    assert psp.deliveries[-1].status == 200
    # What a receiver does with a notification: re-confirm with the PSP.
    assert client.get_pix(pix["endToEndId"]) == pix
    assert client.get_cobv(txid)["status"] == "CONCLUIDA"
    client.delete_webhook(KEY)
    with pytest.raises(PixApiError) as caught:
        client.get_webhook(KEY)
    assert (caught.value.status, caught.value.error_name) == (
        404,
        "WebhookNaoEncontrado",
    )
    with pytest.raises(PixApiError, match="pertencente a este usuário recebedor"):
        client.put_webhook("financeiro@empresa.com.br", receiver.url)


def test_a_dropped_notification_is_found_by_polling(psp, client, receiver):
    client.put_webhook(KEY, receiver.url)
    txid, body = a_cobv()
    client.put_cobv(txid, body)
    psp.drop_webhooks = True
    pix = psp.simulate_payment(txid, date(2026, 3, 23))
    assert receiver.notifications == []
    assert psp.deliveries[-1].dropped
    charge = client.get_cobv(txid)
    assert charge["status"] == "CONCLUIDA"
    assert charge["pix"] == [pix]
    found = list(
        client.iter_pix(
            datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 3, 24, 3, tzinfo=UTC)
        )
    )
    assert found == [pix]
    assert pix["valor"] == "153.15"  # 150 + 2% fine + 1% a month for 3 days

# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fake credit bureau of ``sandbox.bureau`` answers as documented."""

import pytest
import requests

bureau_module = pytest.importorskip("sandbox.bureau")

BODY = {
    "referencia": "NEG-1",
    "documento": "11144477735",
    "nome": "Fulano",
    "endereco": "Rua A, 1, São Paulo/SP",
    "contrato": "INV/2025/0001",
    "vencimento": "2025-01-10",
    "valor": "100.00",
    "data_inclusao": "2025-03-01",
    "natureza": "DUPLICATA",
}


@pytest.fixture
def bureau():
    with bureau_module.BureauSandbox(token="t0k") as server:
        yield server


def call(bureau, method, path, body=None, token="t0k"):
    return requests.request(
        method,
        bureau.url + path,
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def test_include_query_remove(bureau):
    created = call(bureau, "POST", "/inclusoes", BODY)
    assert created.status_code == 201
    record = created.json()
    assert record["status"] == "recebida"
    again = call(bureau, "POST", "/inclusoes", BODY)
    assert again.status_code == 200 and again.json()["id"] == record["id"]
    assert call(bureau, "GET", f"/inclusoes/{record['id']}").json()["status"] == (
        "incluida"
    )
    removal = call(bureau, "POST", "/exclusoes", {"inclusao_id": record["id"]})
    assert removal.status_code == 201
    assert call(bureau, "GET", f"/inclusoes/{record['id']}").json()["status"] == (
        "excluida"
    )


def test_auth_validation_and_faults(bureau):
    assert call(bureau, "POST", "/inclusoes", BODY, token="forged").status_code == 401
    bad = call(bureau, "POST", "/inclusoes", {**BODY, "documento": "11111111111"})
    assert bad.status_code == 422 and bad.json()["campo"] == "documento"
    bureau.fail_next(503)
    assert call(bureau, "POST", "/inclusoes", BODY).status_code == 503
    assert call(bureau, "POST", "/inclusoes", BODY).status_code == 201
    assert call(bureau, "POST", "/exclusoes", {"inclusao_id": "0"}).status_code == 404

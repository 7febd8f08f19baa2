# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Pix field limits, in one place: free texts fitted to the BR Code and
API Pix fields, refund ids, rates."""

from datetime import date
from decimal import Decimal

import pytest
from cobranca.pix import (
    MAX_DEVEDOR_NOME,
    MAX_DEVOLUCAO_ID_LENGTH,
    MAX_INFO_PAGADOR,
    MAX_MERCHANT_CITY_LENGTH,
    MAX_MERCHANT_NAME_LENGTH,
    MAX_SOLICITACAO_PAGADOR,
    api_percent,
    build_brcode,
    cobv_body,
    devolucao_id_from,
    fit_devedor_nome,
    fit_info_pagador,
    fit_merchant_city,
    fit_merchant_name,
    fit_solicitacao_pagador,
    fit_text,
    parse_brcode,
    validate_devolucao_id,
)
from hypothesis import assume, given
from hypothesis import strategies as st

KEY = "7f6844d0-de89-47e5-9ef7-e0a35a681615"


def test_the_limits_are_those_of_the_standards():
    # BR Code (Manual de Padrões para Iniciação do Pix): fields 59 and 60.
    assert (MAX_MERCHANT_NAME_LENGTH, MAX_MERCHANT_CITY_LENGTH) == (25, 15)
    # API Pix 2.9.0: devedor.nome, solicitacaoPagador, infoPagador, refund id.
    assert (MAX_DEVEDOR_NOME, MAX_SOLICITACAO_PAGADOR, MAX_INFO_PAGADOR) == (
        200,
        140,
        140,
    )
    assert MAX_DEVOLUCAO_ID_LENGTH == 35


def test_merchant_texts():
    assert fit_merchant_name("Padaria São João – Doces e Salgados Ltda") == (
        "Padaria Sao Joao - Doces"
    )
    assert fit_merchant_city("São José dos Campos") == "Sao Jose dos Ca"
    assert fit_merchant_name(None) == ""
    payload = build_brcode(
        key=KEY,
        merchant_name=fit_merchant_name("Confeitaria Açúcar & Afeto do Brasil"),
        merchant_city=fit_merchant_city("Florianópolis"),
    )
    parsed = parse_brcode(payload)
    assert parsed["merchant_name"] == "Confeitaria Acucar & Afet"
    assert parsed["merchant_city"] == "Florianopolis"


@given(st.text(min_size=1), st.text(min_size=1))
def test_fitted_merchant_texts_always_build(name, city):
    name, city = fit_merchant_name(name), fit_merchant_city(city)
    assert len(name) <= MAX_MERCHANT_NAME_LENGTH
    assert len(city) <= MAX_MERCHANT_CITY_LENGTH
    assert name.isascii() and city.isascii()
    assume(name and city)  # nothing printable left: the caller must say so
    parsed = parse_brcode(build_brcode(key=KEY, merchant_name=name, merchant_city=city))
    assert (parsed["merchant_name"], parsed["merchant_city"]) == (name, city)


def test_api_texts_keep_accents_and_are_cut():
    assert fit_devedor_nome("  José   da Silva ") == "José da Silva"
    assert fit_devedor_nome("x" * 250) == "x" * 200
    assert fit_solicitacao_pagador("é" * 141) == "é" * 140
    assert fit_info_pagador("a" * 139 + " b") == "a" * 139
    assert fit_text(None, 10) == ""
    with pytest.raises(TypeError):
        fit_text(12, 10)


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_fit_text_never_exceeds(text, length):
    fitted = fit_text(text, length)
    assert len(fitted) <= length
    assert fitted == fitted.strip()


@given(st.text(min_size=1, max_size=300).filter(lambda text: text.strip()))
def test_a_fitted_debtor_name_is_accepted_by_cobv_body(name):
    body = cobv_body(
        devedor_cpf_or_cnpj="52998224725",
        devedor_nome=fit_devedor_nome(name),
        valor_original=Decimal("10.00"),
        data_vencimento=date(2026, 3, 2),
        validade_apos_vencimento=30,
        chave=KEY,
        multa_pct=None,
        juros_monthly_pct=None,
    )
    assert body["devedor"]["nome"] == fit_devedor_nome(name)


def test_devolucao_id_from_a_reference():
    assert devolucao_id_from("INV/2026/00042-R-1") == "INV202600042R1"
    long = "REF-" + "1234567890" * 5
    assert devolucao_id_from(long) == ("1234567890" * 5)[-35:]
    with pytest.raises(ValueError, match="1 to 35"):
        devolucao_id_from("---")


@given(st.text(alphabet=st.characters(codec="ascii")))
def test_devolucao_id_from_is_valid_or_refused(reference):
    try:
        refund_id = devolucao_id_from(reference)
    except ValueError:
        assert not any(char.isalnum() for char in reference)
    else:
        assert validate_devolucao_id(refund_id) == refund_id


def test_api_percent_rounds_down_to_two_decimals():
    assert api_percent(Decimal("1.2399")) == Decimal("1.23")
    assert api_percent(Decimal(2)) == Decimal("2.00")
    assert api_percent(0) == Decimal("0.00")
    with pytest.raises(TypeError):
        api_percent(1.5)

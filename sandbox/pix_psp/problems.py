# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RFC 7807 answers of the API (``application/problem+json``) with the
``violacoes`` the spec's error catalogue describes."""

from collections.abc import Iterable, Mapping
from typing import Any

#: ``type`` of a problem: this prefix and the spec's error name.
ERROR_TYPE = "https://pix.bcb.gov.br/api/v2/error/"

_TITLES = {
    "RequisicaoInvalida": "Requisição inválida.",
    "AcessoNegado": "Acesso Negado",
    "NaoEncontrado": "Não Encontrado",
    "ErroInternoDoServidor": "Erro Interno do Servidor",
    "ServicoIndisponivel": "Serviço Indisponível",
    "IndisponibilidadePorTempoEsgotado": "Indisponibilidade por tempo esgotado",
    "CobNaoEncontrado": "Cobrança não encontrada.",
    "CobOperacaoInvalida": "Cobrança inválida.",
    "CobConsultaInvalida": "Consulta inválida.",
    "CobVNaoEncontrada": "Cobrança não encontrada.",
    "CobVOperacaoInvalida": "Cobrança inválida.",
    "CobVConsultaInvalida": "Consulta inválida.",
    "PixNaoEncontrado": "Pix não encontrado.",
    "PixDevolucaoNaoEncontrada": "Devolução não encontrada.",
    "PixConsultaInvalida": "Consulta inválida.",
    "PixDevolucaoInvalida": "Devolução inválida.",
    "WebhookOperacaoInvalida": "Webhook inválido.",
    "WebhookNaoEncontrado": "Webhook não encontrado.",
}
_DETAILS = {
    "AcessoNegado": "Requisição de participante autenticado que viola alguma "
    "regra de autorização.",
    "NaoEncontrado": "Entidade não encontrada.",
    "ServicoIndisponivel": "Serviço não está disponível no momento. Serviço "
    "solicitado pode estar em manutenção ou fora da janela de funcionamento.",
    "CobOperacaoInvalida": "A requisição que busca alterar ou criar uma cobrança "
    "para pagamento imediato não respeita o _schema_ ou está semanticamente errada.",
    "CobVOperacaoInvalida": "A requisição que busca alterar ou criar uma cobrança "
    "com vencimento não respeita o _schema_ ou está semanticamente errada.",
    "PixDevolucaoInvalida": "A presente requisição de devolução não respeita o "
    "_schema_ ou não faz sentido semanticamente.",
    "WebhookOperacaoInvalida": "A presente requisição busca criar um webhook sem "
    "respeitar o _schema_ ou, ainda, apresenta semântica inválida.",
}


class Problem(Exception):
    """An RFC 7807 answer of the API (``application/problem+json``)."""

    def __init__(
        self,
        status: int,
        error: str | None,
        detail: str | None = None,
        violacoes: Iterable[Mapping] = (),
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.error = error
        self.title = title or _TITLES.get(error or "", "Erro")
        self.detail = detail or _DETAILS.get(error or "")
        self.violacoes = [dict(item) for item in violacoes]
        self.headers = dict(headers or {})
        super().__init__(f"{status} {error}: {self.detail}")

    def body(self, correlation_id: str) -> dict:
        problem = {
            "type": ERROR_TYPE + self.error if self.error else "about:blank",
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            problem["detail"] = self.detail
        problem["correlationId"] = correlation_id
        if self.violacoes:
            problem["violacoes"] = self.violacoes
        return problem


def violacao(razao: str, propriedade: str, valor: Any = None) -> dict:
    item = {"razao": razao, "propriedade": propriedade}
    if valor is not None and not isinstance(valor, dict | list):
        item["valor"] = str(valor)
    return item


def _leaf(error):
    """The most telling error under a failed ``oneOf``/``anyOf``: the branch
    with the fewest errors, then the deepest of them."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        best = min(
            branches.values(),
            key=lambda errors: (
                len(errors),
                -max(len(item.absolute_path) for item in errors),
            ),
        )
        return _leaf(max(best, key=lambda item: len(item.absolute_path)))
    return error


def _schema_violation(error, where: list[str]) -> dict:
    error = _leaf(error)
    path = [*where, *map(str, error.absolute_path)]
    message = error.message
    if error.validator == "required" and isinstance(error.instance, Mapping):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            path.append(missing[0])
            message = "campo obrigatório ausente"
    elif error.validator == "oneOf" and not error.context:
        message = "corresponde a mais de uma alternativa do _schema_ (oneOf)"
    elif len(message) > 200:
        message = message[:197] + "..."
    propriedade = ".".join(path)
    return violacao(
        f"O campo {propriedade} não respeita o _schema_: {message}",
        propriedade,
        error.instance,
    )


def request_violations(errors: Iterable[Exception], prefix: str) -> list[dict]:
    """``violacoes`` for openapi-core request errors; ``prefix`` names the
    body (``cobv``, ``cob``, ``devolucao``, ``webhook``)."""
    result = []
    for error in errors:
        cause = error.__cause__
        name = getattr(error, "name", None)
        where = [name] if name else ([prefix] if prefix else [])
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            result.extend(_schema_violation(item, where) for item in schema_errors)
        elif name:
            result.append(
                violacao(f"O parâmetro {name} não respeita o _schema_: {error}", name)
            )
        else:
            result.append(
                violacao(
                    f"O corpo da requisição não respeita o _schema_: {error}"
                    + (f" ({cause})" if cause else ""),
                    prefix or "body",
                )
            )
    return result

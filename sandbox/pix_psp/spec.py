# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The official API Pix spec, as the sandbox loads it.

``openapi.yaml`` (release 2.9.0 of bacen/pix-api, copied unchanged into
``pix-api/`` next to this module, see its ``SOURCE.rst``; ``$PIX_API_SPEC``
names another file) is read, the defects of its ``DEFECTS.md`` (O1-O6) and
five more found while validating real traffic (X1-X5, see :func:`patch_spec`)
are fixed on an in-memory copy, and the result is loaded strictly by
openapi-core (:func:`spec_bundle`).
"""

import contextlib
import copy
import functools
import json
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

#: The copy of the official spec shipped with the sandbox.
SPEC_PATH = Path(__file__).resolve().parent / "pix-api" / "openapi.yaml"
#: Where the sandbox serves the API (the spec's ``servers`` are replaced).
API_PREFIX = "/api/v2"
#: Served by the PSP on another host, for the payers' apps (not by the sandbox).
PAYLOAD_LOCATION_PATHS = (
    "/{pixUrlAccessToken}",
    "/cobv/{pixUrlAccessToken}",
    "/rec/{recUrlAccessToken}",
)
#: The spec's "Gerais" errors, which any endpoint may answer.
GENERAL_ERRORS = {
    "400": "RequisicaoInvalida",
    "403": "AcessoNegado",
    "404": "NaoEncontrado",
    "500": "ErroInternoDoServidor",
    "503": "ServicoIndisponivel",
    "504": "IndisponibilidadePorTempoEsgotado",
}


def spec_path(path: str | os.PathLike | None = None) -> Path:
    """The spec file to read: ``path``, else ``$PIX_API_SPEC``, else the copy
    shipped with the sandbox (:data:`SPEC_PATH`)."""
    return Path(path or os.environ.get("PIX_API_SPEC") or SPEC_PATH)


def load_spec(path: str | os.PathLike | None = None) -> dict:
    """Read the official ``openapi.yaml`` (never written to).

    :raises FileNotFoundError: the file is missing (the copy is part of the
        repository: ``sandbox/pix_psp/pix-api/openapi.yaml``).
    """
    path = spec_path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"the API Pix spec is not at {path}: restore the repository's copy "
            "(sandbox/pix_psp/pix-api, release 2.9.0 of bacen/pix-api) or set "
            "PIX_API_SPEC to another openapi.yaml"
        )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)


def _nodes(node: Any) -> Iterable[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _modalidade_schema(schema: dict) -> dict:
    """An integer from ``minimum`` to ``maximum``, also as a digit string (O4)."""
    values = range(schema["minimum"], schema["maximum"] + 1)
    integer = {key: value for key, value in schema.items() if key != "description"}
    return {
        "title": schema.get("title", "modalidade"),
        "description": schema.get("description", ""),
        "anyOf": [integer, {"type": "string", "enum": [str(v) for v in values]}],
    }


def patch_spec(spec: dict) -> tuple[dict, list[str]]:
    """Return a fixed copy of the spec and the list of the fixes applied.

    ``spec`` is not modified. Each fix first checks that its defect is there,
    so that a corrected release of the spec is loaded unchanged.

    * O1: ``CobExpiracao.expiracao`` has ``default: '86400'`` (a string on
      an integer); ``CobVGerada`` requires an undefined ``location`` and
      ``RecNotification`` an ``atualizacao"`` (stray quote).
    * O2: CPF, ISPB and IBGE patterns written ``/^\\d{11}$/`` (JavaScript
      delimiters, which JSON Schema takes literally).
    * O3: ``PayloadLocationCob`` (the ``loc`` of a request) requires an
      undefined ``tipoCob`` and its ``id`` is readOnly, yet requests send
      ``{"loc": {"id": 789}}``.
    * O4: ``modalidade`` of ``valor.multa/juros/abatimento/desconto`` is
      sent as ``"2"`` by the spec's own examples and by PSPs: accept the
      digit string too (responses still carry integers).
    * O5: ``DadosRecebedor`` requires ``logradouro, cidade, uf, cep`` at the
      level of the charge instead of ``recebedor`` (where they are required
      as well): the charge-level list is dropped.
    * O6: patterns are unanchored (JSON Schema searches): every pattern is
      anchored as ``^(?:...)$``.
    * X1: ``PixConsultados`` (answer of ``GET /pix``) requires ``cobs``, a
      property it does not have, instead of ``pix``.
    * X2: the two alternatives of ``CobVValor.desconto.oneOf`` both match a
      per-day discount (modalidades 3-6, ``{"valorPerc": ...}``), so no such
      discount validates: the date-list alternative requires
      ``descontoDataFixa``.
    * X3: the payload-location endpoints (``/{pixUrlAccessToken}``,
      ``/cobv/{pixUrlAccessToken}``, ``/rec/{recUrlAccessToken}``) live on
      another server (their own ``servers``) and ``/cobv/{pixUrlAccessToken}``
      shadows ``/cobv/{txid}`` in path matching: they are left out.
    * X4: the ``revisao`` query parameter of ``GET /cob(v)/{txid}`` uses the
      ``Revisao`` schema, which is readOnly: no request carrying it validates.
    * X5: the spec's "Gerais" errors (RequisicaoInvalida 400, AcessoNegado
      403, NaoEncontrado 404, ErroInternoDoServidor 500, ServicoIndisponivel
      503, IndisponibilidadePorTempoEsgotado 504) "could be returned by any
      endpoint", and its catalogue gives e.g. CobVConsultaInvalida (400) for
      ``GET /cobv/{txid}``, but the operations only declare some of them:
      each operation gets the ones it lacks.
    * The servers become the sandbox's ``/api/v2``.
    """
    spec = copy.deepcopy(spec)
    fixes: list[str] = []
    for fix in _FIXES:
        fixes.extend(fix(spec))
    spec["servers"] = [{"url": API_PREFIX, "description": "PSP sandbox"}]
    return spec, fixes


def _fix_o1(spec: dict) -> list[str]:
    schemas = spec["components"]["schemas"]
    fixes = []
    expiracao = schemas["CobExpiracao"]["properties"]["expiracao"]
    for key in ("default", "example"):
        if isinstance(expiracao.get(key), str):
            expiracao[key] = int(expiracao[key])
            fixes.append(f"O1 CobExpiracao.expiracao.{key} as an integer")
    for name, wrong, right in (
        ("CobVGerada", "location", None),
        ("RecNotification", 'atualizacao"', "atualizacao"),
    ):
        required = schemas.get(name, {}).get("required", [])
        if wrong in required:
            required.remove(wrong)
            if right and right not in required:
                required.append(right)
            fixes.append(f"O1 {name}.required without {wrong!r}")
    return fixes


def _fix_o2_o6(spec: dict) -> list[str]:
    delimited = anchored = 0
    for node in _nodes(spec):
        pattern = node.get("pattern")
        if not isinstance(pattern, str):
            continue
        if pattern.startswith("^(?:") and pattern.endswith(")$"):
            continue  # already anchored by this function
        if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
            pattern = pattern[1:-1]
            delimited += 1
        core = pattern.removeprefix("^")
        if core.endswith("$") and not core.endswith("\\$"):
            core = core[:-1]
        node["pattern"] = f"^(?:{core})$"
        anchored += 1
    fixes = []
    if delimited:
        fixes.append(f"O2 {delimited} patterns without JavaScript delimiters")
    if anchored:
        fixes.append(f"O6 {anchored} patterns anchored")
    return fixes


def _fix_o3(spec: dict) -> list[str]:
    loc = spec["components"]["schemas"]["PayloadLocationCob"]
    if "tipoCob" in loc.get("required", []) or "$ref" in loc["properties"]["id"]:
        loc["required"] = ["id"]
        loc["properties"]["id"] = {"type": "integer", "format": "int64"}
        return ["O3 PayloadLocationCob: id only, writable"]
    return []


def _fix_o4(spec: dict) -> list[str]:
    fixes = []
    for node in _nodes(spec["components"]["schemas"]["CobVValor"]):
        modalidade = node.get("properties", {}).get("modalidade")
        if modalidade and modalidade.get("type") == "integer":
            node["properties"]["modalidade"] = _modalidade_schema(modalidade)
            fixes.append("O4 CobVValor modalidade also as a digit string")
    return fixes


def _fix_o5(spec: dict) -> list[str]:
    recebedor = spec["components"]["schemas"]["DadosRecebedor"]
    if "required" in recebedor:
        del recebedor["required"]
        return ["O5 DadosRecebedor: address required in recebedor only"]
    return []


def _fix_x1(spec: dict) -> list[str]:
    pix_list = spec["components"]["schemas"]["PixConsultados"]
    if "cobs" in pix_list.get("required", []):
        pix_list["required"] = ["parametros", "pix"]
        return ["X1 PixConsultados requires pix, not cobs"]
    return []


def _fix_x2(spec: dict) -> list[str]:
    valor = spec["components"]["schemas"]["CobVValor"]
    alternatives = valor["properties"]["desconto"]["oneOf"]
    if "required" not in alternatives[0]:
        alternatives[0]["required"] = ["descontoDataFixa"]
        return ["X2 CobVValor.desconto.oneOf: the date list is required"]
    return []


def _fix_x3(spec: dict) -> list[str]:
    fixes = []
    for path in PAYLOAD_LOCATION_PATHS:
        if spec["paths"].pop(path, None) is not None:
            fixes.append(f"X3 payload location {path} left out")
    return fixes


def _fix_x4(spec: dict) -> list[str]:
    fixes = []
    for path in ("/cob/{txid}", "/cobv/{txid}"):
        for parameter in spec["paths"][path]["get"].get("parameters", []):
            if parameter.get("name") == "revisao" and "$ref" in parameter["schema"]:
                parameter["schema"] = {
                    "type": "integer",
                    "format": "int32",
                    "minimum": 0,
                }
                fixes.append(f"X4 GET {path}?revisao without the readOnly schema")
    return fixes


def _fix_x5(spec: dict) -> list[str]:
    problem = {"$ref": "#/components/schemas/Problema"}
    added = 0
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            for status, description in GENERAL_ERRORS.items():
                if status not in operation["responses"]:
                    operation["responses"][status] = {
                        "description": description,
                        "content": {"application/problem+json": {"schema": problem}},
                    }
                    added += 1
    return [f"X5 {added} general error answers declared"] if added else []


_FIXES = (
    _fix_o1,
    _fix_o2_o6,
    _fix_o3,
    _fix_o4,
    _fix_o5,
    _fix_x1,
    _fix_x2,
    _fix_x3,
    _fix_x4,
    _fix_x5,
)


@contextlib.contextmanager
def openapi_core_quiet():
    """openapi-core warns "Unsupported scheme type" for every request of a spec
    secured by OAuth2; the sandbox checks the token itself."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Unsupported scheme type", category=UserWarning
        )
        yield


def _json_loads(value: bytes, **_parameters: str) -> Any:
    return json.loads(value)


@dataclass(frozen=True)
class SpecBundle:
    """The patched spec, its openapi-core application and schema registry."""

    spec: dict
    fixes: tuple[str, ...]
    openapi: OpenAPI
    registry: Registry

    def schema_errors(self, instance: Any, pointer: str) -> list[str]:
        """Validate ``instance`` against the schema at ``pointer`` (e.g.
        ``#/components/schemas/CobVSolicitada``); return the messages."""
        validator = OAS30WriteValidator(
            {"$ref": "urn:pix-api" + pointer},
            registry=self.registry,
            format_checker=oas30_format_checker,
        )
        return [
            f"{'.'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(instance)
        ]


@functools.lru_cache(maxsize=4)
def spec_bundle(path: str | None = None) -> SpecBundle:
    """Load, patch and strictly check the spec (cached: it takes ~1 s)."""
    spec, fixes = patch_spec(load_spec(path))
    config = Config(
        extra_media_type_deserializers={"application/problem+json": _json_loads}
    )
    openapi = OpenAPI.from_dict(spec, config=config)  # strict spec validation
    resource = Resource.from_contents(spec, default_specification=DRAFT4)
    registry = Registry().with_resource("urn:pix-api", resource)
    return SpecBundle(spec, tuple(fixes), openapi, registry)

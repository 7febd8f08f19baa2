from . import dunning_boleto_instruction_wizard
from . import dunning_boleto_retorno_import

from . import dunning_run_wizard
from . import dunning_activation_wizard
from . import dunning_negotiation_wizard
from . import dunning_agreement_accept_wizard
from . import dunning_statement_wizard
from . import dunning_negativation_reject_wizard

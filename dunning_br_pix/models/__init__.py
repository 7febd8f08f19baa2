from . import account_move
from . import dunning_communication
from . import dunning_history
from . import dunning_pix_charge
from . import dunning_pix_payment
from . import dunning_policy
from . import payment_provider
from . import payment_transaction

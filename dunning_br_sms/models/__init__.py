from . import dunning_sms_gateway
from . import res_partner
from . import sms_sms

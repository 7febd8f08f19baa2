from . import test_dunning_br_sms_setup
from . import test_dunning_sms_channel
from . import test_sms_gateway

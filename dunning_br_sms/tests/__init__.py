from . import test_dunning_br_sms_setup

from . import dunning_sms_preview

from . import test_dunning_br_pix_setup
from . import test_pix_charges
from . import test_pix_webhook
from . import test_pix_mtls
from . import test_pix_static_match
from . import test_pix_portal
from . import test_pix_portal_lang

from . import test_dunning_br_pix_setup

from . import test_dunning_br_setup

from . import test_dunning_br_setup
from . import test_dunning_run

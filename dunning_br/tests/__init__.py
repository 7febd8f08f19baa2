from . import test_dunning_br_setup
from . import test_dunning_run
from . import test_dunning_concurrency
from . import test_dunning_smtp
from . import test_dunning_actions
from . import test_dunning_letters
from . import test_dunning_lang

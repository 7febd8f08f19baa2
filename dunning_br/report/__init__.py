from . import dunning_report_mixin
from . import dunning_report_aging
from . import dunning_report_delinquency
from . import dunning_report_recovery
from . import dunning_report_customer
from . import dunning_report_agreement
from . import dunning_statement_report

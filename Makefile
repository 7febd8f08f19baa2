# The two commands of README.rst. PYTHON is the interpreter that runs Odoo
# (ODOO_PYTHON when set), python3 otherwise.
PYTHON ?= $(or $(ODOO_PYTHON),python3)

.PHONY: test run smoke readme

test:
	$(PYTHON) tools/run_tests.py

run:
	$(PYTHON) tools/run_demo.py

smoke:  # while `make run` serves: sign in through odoorpc and check the addons
	$(PYTHON) tools/smoke_run.py

readme:
	$(PYTHON) tools/gen_addon_readme.py

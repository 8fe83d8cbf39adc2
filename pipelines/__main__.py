import sys

# The command line never uses pandas, but DuckDB imports it (about 0.4 s, a fifth of a small
# load) the first time a query binds a parameter, only to ask whether a value is a pandas
# object. Marking it unavailable in this process makes DuckDB skip that check.
if "pandas" not in sys.modules:
    sys.modules["pandas"] = None

from pipelines.cli import main

sys.exit(main())

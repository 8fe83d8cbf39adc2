"""AppTest entry point: runs app.py from outside the repository root.

AppTest rebuilds Streamlit's page manager before every run, and a pages/ folder beside the
main script puts each run back into the legacy multipage mode, which a real server leaves after
its first run. Started from tests/, where no pages/ folder is, every run behaves as served.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")

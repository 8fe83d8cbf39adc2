"""AppTest entry point: runs app.py, the router, as `streamlit run serve.py` does (the tests
switch pages by paths relative to this file: ../screens/<page>.py)."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")

import sys
from pathlib import Path

# The tests share fakes.py; make it importable however pytest is started.
sys.path.insert(0, str(Path(__file__).parent))

"""Demo data: a realistic, deterministic data set in the canonical format, and a demo database.

``generate`` writes the files; ``build_demo_db`` generates a small set into a
temporary folder and imports it, for demos and for other areas' tests.
"""

from .build import DemoBuild, build_demo_db
from .generate import DemoFiles, generate

__all__ = ["DemoBuild", "DemoFiles", "build_demo_db", "generate"]

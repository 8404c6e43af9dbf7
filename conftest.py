import os

os.environ.setdefault("FRIENDLYGOV_ALLOW_INSECURE_KEY", "1")

pytest_plugins = ["friendlygov.core.testing"]

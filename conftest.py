"""Test-wide setup: import paths, and an environment that points every model at the tables of template.yaml."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "common" / "python"))

# Table and resource names as infra/local/provision.py creates them from template.yaml ("yk-<LogicalId>").
# Set before any healthcode module is imported: config is read once, as in Lambda.
from infra.template import functions, load_template  # noqa: E402

_template = load_template()
for _name, _value in next(iter(functions(_template).values())).environment.items():
    if isinstance(_value, dict) and "Ref" in _value and _value["Ref"] in _template["Resources"]:
        _kind = _template["Resources"][_value["Ref"]]["Type"]
        physical = f"yk-{_value['Ref']}"
        os.environ.setdefault(_name, physical.lower() if _kind == "AWS::S3::Bucket" else physical)
    elif isinstance(_value, dict) and _value.get("Ref") in _template.get("Parameters", {}):
        # the parameter's default, as a deploy without overrides sets it (config requires every Globals variable)
        os.environ.setdefault(_name, str(_template["Parameters"][_value["Ref"]].get("Default", "")))
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1", "IDENTITY_PROVIDER": "dev", "SMS_PROVIDER": "dev",
    "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "YuekangCode",
    "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_DEV": "false",
})

# Property tests check behaviour, never speed: on a busy 2-core CI machine Hypothesis' per-example deadline
# and its "too slow" health check would fail them for the machine's load, not for the code.
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("yk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("yk")


@pytest.fixture(autouse=True)
def _fresh_config():
    """Config is read once per container; a test that changes the environment must not leak it to the next."""
    from healthcode.core.config import get_config

    get_config.cache_clear()
    yield
    get_config.cache_clear()

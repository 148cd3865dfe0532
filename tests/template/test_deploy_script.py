"""scripts/deploy.sh (`make deploy`) run against stand-ins for aws, sam, curl and Python that record their calls.

What it proves offline: the order of the steps, the parameters handed to `sam deploy` (including the two passes of a
first deploy), and that the keys, the upload and the invalidation use the stack's Outputs. Not that AWS accepts them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

OUTPUTS = {"SiteUrl": "https://d111.cloudfront.net", "SiteBucketName": "yk-site-bucket",
           "DistributionId": "E2EXAMPLE", "AppSecretArn": "arn:aws:secretsmanager:ap-east-1:1:secret:yk-app"}

FAKE = r'''#!{python}
"""Stand-in for {name}: records its arguments; `aws cloudformation describe-stacks` answers from the state."""
import json, os, re, sys
from pathlib import Path
state = Path(os.environ["FAKE_STATE"])
with open(state / "calls.jsonl", "a") as log:
    log.write(json.dumps(["{name}"] + sys.argv[1:]) + "\n")
args = sys.argv[1:]
if "{name}" == "sam" and args[:1] == ["deploy"]:
    (state / "deployed").touch()
if "{name}" == "aws" and args[:2] == ["cloudformation", "describe-stacks"]:
    if not (state / "deployed").exists():
        sys.exit(255)
    query = args[args.index("--query") + 1] if "--query" in args else ""
    if "OutputKey==" in query:
        key = re.search(r"OutputKey=='(\w+)'", query).group(1)
        print(json.loads((state / "outputs.json").read_text())[key])
    elif "ParameterKey==" in query:
        key = re.search(r"ParameterKey=='(\w+)'", query).group(1)
        taken = (state / "parameters").read_text().split() if (state / "parameters").exists() else []
        print(key if key in taken else "")
if "{name}" == "curl":
    print("{}")
'''


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of what deploy.sh reads (itself, template.yaml, a build, web/), and fake tools first on PATH."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts/deploy.sh", repo / "scripts/deploy.sh")
    (repo / "template.yaml").write_text("Resources: {}\n")
    (repo / ".aws-sam/build").mkdir(parents=True)
    (repo / ".aws-sam/build/template.yaml").write_text("Resources: {}\n")
    os.utime(repo / "template.yaml", (1_000_000, 1_000_000))
    (repo / "web").mkdir()
    (repo / "web/index.html").write_text("<!doctype html>")
    state = tmp_path / "state"
    state.mkdir()
    (state / "outputs.json").write_text(json.dumps(OUTPUTS))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("aws", "sam", "curl", "python"):
        tool = bin_dir / name
        tool.write_text(FAKE.replace("{python}", sys.executable).replace("{name}", name))
        tool.chmod(0o755)
    return repo


def deploy(repo: Path, params: str | None = None, **env: str) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    if params is not None:
        (repo / "deploy.params").write_text(params)
    state = repo.parent / "state"
    run_env = {"PATH": f"{repo.parent / 'bin'}:/usr/bin:/bin", "FAKE_STATE": str(state), "AWS_REGION": "ap-east-1",
               "STACK": "yk-test", "PY": str(repo.parent / "bin/python"), "HOME": str(repo.parent)} | env
    done = subprocess.run(["bash", str(repo / "scripts/deploy.sh")], env=run_env, capture_output=True, text=True,
                          timeout=60)
    log = state / "calls.jsonl"
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done, calls


def _overrides(call: list[str]) -> str:
    return call[call.index("--parameter-overrides") + 1]


def _steps(calls: list[list[str]]) -> list[str]:
    """The calls that change something, in order."""
    steps = []
    for call in calls:
        if call[:2] == ["sam", "deploy"]:
            steps.append("sam deploy")
        elif call[0] == "python":
            steps.append(" ".join(call[1:]))
        elif call[:3] == ["aws", "s3", "sync"]:
            steps.append("s3 sync " + " ".join(call[3:5]))
        elif call[:3] == ["aws", "cloudfront", "create-invalidation"]:
            steps.append("invalidate " + call[call.index("--distribution-id") + 1])
    return steps


def test_a_first_deploy_deploys_twice_then_keys_pages_and_invalidation(checkout: Path):
    # GIVEN no stack yet and a parameters file WHEN make deploy runs
    done, calls = deploy(checkout, "# partners\nIdentityProviderUrl=https://id.example  \nAlarmEmail=ops@example.org\n")
    assert done.returncode == 0, done.stderr
    # THEN the stack is deployed with a placeholder inbound page, then with the site's own, then the keys are written
    # once, the pages uploaded to the site bucket and the distribution invalidated
    assert _steps(calls) == [
        "sam deploy", "sam deploy",
        f"-m infra.keys init --secret-id {OUTPUTS['AppSecretArn']} --if-needed",
        f"s3 sync web/ s3://{OUTPUTS['SiteBucketName']}/",
        f"invalidate {OUTPUTS['DistributionId']}",
    ]
    first, second = [c for c in calls if c[:2] == ["sam", "deploy"]]
    secret = _origin_verify(first)
    assert _overrides(first) == ("InboundPageUrl=https://pending.invalid/inbound.html "
                                 "CodePageUrl=https://pending.invalid/ "
                                 "IdentityProviderUrl=https://id.example AlarmEmail=ops@example.org "
                                 f"OriginVerifySecret={secret}")
    assert _overrides(second) == (f"InboundPageUrl={OUTPUTS['SiteUrl']}/inbound.html CodePageUrl={OUTPUTS['SiteUrl']}/ "
                                  "IdentityProviderUrl=https://id.example AlarmEmail=ops@example.org "
                                  f"OriginVerifySecret={secret}")
    assert secret not in done.stdout + done.stderr
    assert all(c[c.index("--stack-name") + 1] == "yk-test" for c in (first, second))
    assert any(c[0] == "curl" and c[-1] == f"{OUTPUTS['SiteUrl']}/v1/health" for c in calls)


def _origin_verify(call: list[str]) -> str:
    """The OriginVerifySecret a sam deploy call passes: 32 random bytes in hex (template.yaml's AllowedPattern)."""
    found = re.search(r"(?:^| )OriginVerifySecret=(\S*)", _overrides(call))
    assert found and re.fullmatch(r"[0-9a-f]{64}", found.group(1)), _overrides(call)
    return found.group(1)


def test_a_later_deploy_deploys_once_with_the_sites_inbound_page(checkout: Path):
    (checkout.parent / "state/deployed").touch()
    (checkout.parent / "state/parameters").write_text("OriginVerifySecret\n")  # kept by sam: UsePreviousValue
    done, calls = deploy(checkout)
    assert done.returncode == 0, done.stderr
    deploys = [c for c in calls if c[:2] == ["sam", "deploy"]]
    assert [_overrides(c) for c in deploys] == [
        f"InboundPageUrl={OUTPUTS['SiteUrl']}/inbound.html CodePageUrl={OUTPUTS['SiteUrl']}/"]
    assert _steps(calls)[1:] == [f"-m infra.keys init --secret-id {OUTPUTS['AppSecretArn']} --if-needed",
                                 f"s3 sync web/ s3://{OUTPUTS['SiteBucketName']}/", f"invalidate {OUTPUTS['DistributionId']}"]


def test_an_inbound_page_url_of_its_own_is_used_as_given(checkout: Path):
    # GIVEN a custom domain's page in the parameters WHEN the first deploy runs THEN one pass, with that URL
    done, calls = deploy(checkout, "InboundPageUrl=https://ykm.example.cn/inbound.html\n"
                                   "CodePageUrl=https://ykm.example.cn/\nOriginVerifySecret=" + "r" * 40 + "\n")
    assert done.returncode == 0, done.stderr
    assert [_overrides(c) for c in calls if c[:2] == ["sam", "deploy"]] == [
        "InboundPageUrl=https://ykm.example.cn/inbound.html CodePageUrl=https://ykm.example.cn/ "
        "OriginVerifySecret=" + "r" * 40]


def test_a_stack_deployed_before_origin_verify_gets_one_generated(checkout: Path):
    # GIVEN a stack without the OriginVerifySecret parameter (UsePreviousValue would fail there) WHEN deployed
    # THEN one is generated; each generation is new (never a constant of the script)
    (checkout.parent / "state/deployed").touch()
    done, calls = deploy(checkout)
    assert done.returncode == 0, done.stderr
    (deployed,) = [c for c in calls if c[:2] == ["sam", "deploy"]]
    (checkout.parent / "state/calls.jsonl").unlink()
    again = [c for c in deploy(checkout)[1] if c[:2] == ["sam", "deploy"]]
    assert _origin_verify(deployed) != _origin_verify(again[0])


def test_a_stale_or_missing_build_deploys_nothing(checkout: Path):
    os.utime(checkout / "template.yaml", None)  # edited after the build
    os.utime(checkout / ".aws-sam/build/template.yaml", (1_000, 1_000))
    done, calls = deploy(checkout)
    assert done.returncode != 0 and "make build" in done.stderr
    assert not [c for c in calls if c[0] == "sam"]
    shutil.rmtree(checkout / ".aws-sam")
    done, calls = deploy(checkout)
    assert done.returncode != 0 and "make build" in done.stderr
    assert not [c for c in calls if c[0] == "sam"]

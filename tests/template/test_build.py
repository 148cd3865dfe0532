"""The Lambda build: runtime, layer recipe and SnapStart in template.yaml, and the layer as `sam build` makes it.

The tests marked `build` run layers/common/Makefile (the recipe `sam build` runs for the layer, BuildMethod:
makefile) into a temporary directory: the pinned requirements are fetched from PyPI as wheels for Lambda's
platform (python<runtime>, manylinux for the template's architecture, no source builds), so a pin without such a
wheel fails here as it would fail `sam build`; then the built layer is checked for bytecode Lambda will use.
`make build` runs the whole `sam build`.
"""

from __future__ import annotations

import os
import re
import subprocess
from importlib.metadata import distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from infra.build import LAYER_DIR, build_layer, bytecode_report, lambda_arch, runtime_python, runtime_version
from infra.cfn import load_template, references, sam_transform

ROOT = Path(__file__).resolve().parents[2]
#: The code-display path (authorizer, own code, scan): SnapStart, so a burst of new containers starts from a snapshot
SNAPSTART_FUNCTIONS = ("AuthorizerFunction", "CodesFunction", "ScanFunction")
#: ELF e_machine of the extension modules, by wheel architecture
ELF_MACHINE = {"aarch64": 183, "x86_64": 62}


@pytest.fixture(scope="module")
def source() -> dict:
    return load_template()


@pytest.fixture(scope="module")
def transformed(source: dict) -> dict:
    return sam_transform(source)


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            pins[_canonical(req.name)] = str(req.specifier)
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _make_variable(name: str) -> str:
    match = re.search(rf"^{name} := (\S+)$", (LAYER_DIR / "Makefile").read_text(), re.MULTILINE)
    assert match, f"layers/common/Makefile sets no {name}"
    return match.group(1)


# --------------------------------------------------------------------------- template and recipe (offline)

def test_runtime_is_a_python_with_snapstart_and_wheels_for_the_pins(source: dict):
    # python3.11 runs on Amazon Linux 2 (glibc 2.26): pillow 13 has no wheel for it. 3.12+ is Amazon Linux 2023.
    major, minor = map(int, runtime_version(source).split("."))
    assert (major, minor) >= (3, 12)


def test_makefile_takes_the_runtime_and_its_python_from_the_template(source: dict):
    def make(variable: str) -> str:
        env = {key: value for key, value in os.environ.items() if key != "PYTHON"}  # PYTHON=... overrides
        done = subprocess.run(["make", "--no-print-directory", "-s", "-C", str(ROOT), f"print-{variable}"],
                              check=True, capture_output=True, text=True, env=env)
        return done.stdout.strip()

    assert make("RUNTIME") == runtime_version(source)
    interpreter = make("RUNTIME_PYTHON")
    if interpreter:  # the venv, the tests and sam build run on it; absent, the venv falls back to python3
        version = subprocess.run([interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 check=True, capture_output=True, text=True).stdout.strip()
        assert version == runtime_version(source)
        assert make("PYTHON") == interpreter


def test_layer_is_built_by_its_makefile_for_the_template_runtime_and_architecture(source: dict):
    layer = source["Resources"]["CommonLayer"]
    fn_globals = source["Globals"]["Function"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert layer["Properties"]["ContentUri"].rstrip("/") == "layers/common"
    assert layer["Properties"]["CompatibleRuntimes"] == [fn_globals["Runtime"]]
    assert layer["Properties"]["CompatibleArchitectures"] == fn_globals["Architectures"]
    assert layer["Metadata"]["BuildArchitecture"] == fn_globals["Architectures"][0]
    assert source["Resources"]["FontsLayer"]["Properties"]["CompatibleRuntimes"] == [fn_globals["Runtime"]]
    # the recipe sam runs: its runtime and architecture are the template's, its bytecode is unchecked-hash
    assert _make_variable("RUNTIME") == runtime_version(source)
    assert _make_variable("ARCH") == lambda_arch(source)
    recipe = (LAYER_DIR / "Makefile").read_text()
    assert re.search(r"^build-CommonLayer:", recipe, re.MULTILINE)
    assert "--invalidation-mode unchecked-hash" in recipe
    assert "--only-binary=:all:" in recipe


def test_layer_pins_every_runtime_requirement_and_boto3_with_botocore():
    layer_pins = _pins(LAYER_DIR / "requirements.txt")
    assert all(spec.startswith("==") for spec in layer_pins.values()), layer_pins
    assert "boto3" in layer_pins and "botocore" in layer_pins
    # the dev requirements take the runtime pins from the layer's file, and never pin them differently
    dev = (ROOT / "requirements.txt").read_text()
    assert "-r layers/common/requirements.txt" in dev
    assert not set(_pins(ROOT / "requirements.txt")) & set(layer_pins)


def test_code_display_path_runs_snapstart_versions_through_its_alias(source: dict, transformed: dict):
    resources = transformed["Resources"]
    api = next(iter(r for r in source["Resources"].values() if r["Type"] == "AWS::Serverless::Api"))
    auth = api["Properties"]["Auth"]
    authorizer_arn = auth["Authorizers"][auth["DefaultAuthorizer"]]["FunctionArn"]
    body = next(r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi")["Properties"]["Body"]
    for name in SNAPSTART_FUNCTIONS:
        props = source["Resources"][name]["Properties"]
        alias = f"{name}Alias{props['AutoPublishAlias']}"
        assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}, name
        assert resources[name]["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}, name
        assert resources[alias]["Type"] == "AWS::Lambda::Alias"
        # SnapStart and provisioned concurrency exclude each other
        assert "ProvisionedConcurrencyConfig" not in props, name
        # every route of the function invokes the alias (the snapshot), never $LATEST (a plain cold start)
        for event in props.get("Events", {}).values():
            if event["Type"] != "Api":
                continue
            op = body["paths"][event["Properties"]["Path"]][event["Properties"]["Method"].lower()]
            uri = references(op["x-amazon-apigateway-integration"]["uri"])
            assert alias in uri and name not in uri, (name, event["Properties"]["Path"], uri)
    # the authorizer too: its ARN is the alias, and API Gateway may invoke the alias
    assert authorizer_arn == {"Ref": "AuthorizerFunction.Alias"}
    assert any(p["Properties"]["FunctionName"] == {"Ref": "AuthorizerFunctionAliaslive"}
               for p in resources.values() if p["Type"] == "AWS::Lambda::Permission")


# --------------------------------------------------------------------------- the layer, built (network: PyPI)

@pytest.fixture(scope="module")
def built_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    python = runtime_python()
    if python is None:  # `make test` runs on the runtime's Python whenever the machine has it
        pytest.skip(f"no python{runtime_version()} here: the layer's bytecode needs the runtime's own version")
    return build_layer(tmp_path_factory.mktemp("layer"), python=python)


@pytest.mark.build
def test_built_layer_holds_every_pin_as_a_wheel_for_the_lambda_platform(built_layer: Path):
    installed = {_canonical(d.metadata["Name"]): d for d in distributions(path=[str(built_layer)])}
    for name, spec in _pins(LAYER_DIR / "requirements.txt").items():
        assert name in installed, f"{name} is missing from the built layer"
        assert installed[name].version == spec.removeprefix("=="), name
    # boto3 and botocore belong together: the pinned botocore is one the pinned boto3 accepts
    botocore = next(Requirement(r) for r in installed["boto3"].requires if Requirement(r).name == "botocore")
    assert installed["botocore"].version in botocore.specifier
    # compiled parts are for the template's architecture (Lambda's), not this machine's
    machine = ELF_MACHINE[lambda_arch()]
    extensions = list(built_layer.rglob("*.so"))
    assert extensions, "no extension modules: pydantic-core, cryptography and pillow ship some"
    for ext in extensions:
        head = ext.read_bytes()[:20]
        assert head[:4] == b"\x7fELF" and int.from_bytes(head[18:20], "little") == machine, ext
    assert (built_layer / "healthcode" / "__init__.py").exists()
    assert not (built_layer / "bin").exists()
    # Lambda's limit for a function and its layers, unzipped, is 250 MB: the fonts layer and the functions fit
    size = sum(p.stat().st_size for p in built_layer.rglob("*") if p.is_file())
    fonts = sum(p.stat().st_size for p in (ROOT / "layers" / "fonts").rglob("*") if p.is_file())
    assert size + fonts < 240 * 1024 * 1024, f"layers take {(size + fonts) / 2**20:.0f} MiB unzipped"


@pytest.mark.build
def test_built_layer_has_unchecked_hash_bytecode_of_the_runtime_version(built_layer: Path):
    report = bytecode_report(built_layer)
    assert report["tag"] == f"cpython-{runtime_version().replace('.', '')}"
    assert report["sources"] > 1000
    assert report["missing"] == [], report["missing"][:10]
    assert report["foreign_magic"] == [] and report["stale"] == []
    # PEP 552 flags 0b01: hash-based, source never checked. A timestamp .pyc (0) never matches the 1980 dates
    # of sam's zip; a checked one (0b11) would read and hash every source on import.
    assert report["flags"] == {"1": report["sources"]}

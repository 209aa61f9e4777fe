"""The release archives and `cargo binstall dfworx` agree: for every target release.yml builds, run its
Archive step (on a stand-in binary) and check that the archive it makes is the file
`[package.metadata.binstall]` pkg-url names, holding the binary at bin-dir. Also: CI's msrv job builds
with the toolchain `rust-version` names.

    uv run --no-project --with 'pyyaml>=6,<7' python scripts/release-check.py
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

import yaml

REQUIRED = {
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
}

# `7z a -tzip ARCHIVE DIR`, for machines without p7zip (the Windows runner has it).
SEVEN_ZIP = """#!/usr/bin/env python3
import os, sys, zipfile
assert sys.argv[1:3] == ["a", "-tzip"], sys.argv
with zipfile.ZipFile(sys.argv[3], "w") as z:
    for root, _, files in os.walk(sys.argv[4]):
        for f in files:
            z.write(os.path.join(root, f))
"""


def expand(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{ " + key + " }", value)
    if "{" in template:
        raise SystemExit(f"release-check: unknown variable left in {template!r}")
    return template


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    package = tomllib.loads((root / "Cargo.toml").read_text())["package"]
    meta = package["metadata"]["binstall"]
    workflow = yaml.load((root / ".github/workflows/release.yml").read_text(), Loader=yaml.BaseLoader)
    if workflow["on"]["push"]["tags"] != ["v*"]:
        raise SystemExit("release-check: release.yml must run on tags v*")
    build = workflow["jobs"]["build"]
    targets = [row["target"] for row in build["strategy"]["matrix"]["include"]]
    if set(targets) != REQUIRED:
        raise SystemExit(f"release-check: release.yml builds {sorted(targets)}, not {sorted(REQUIRED)}")
    archive_step = next(s for s in build["steps"] if s.get("name") == "Archive")
    version = package["version"]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shims = work / "shims"
        shims.mkdir()
        (shims / "7z").write_text(SEVEN_ZIP)
        (shims / "7z").chmod(0o755)
        for target in targets:
            exe = ".exe" if "windows" in target else ""
            spec = {**meta, **meta.get("overrides", {}).get(target, {})}
            values = {
                "repo": package["repository"],
                "name": package["name"],
                "version": version,
                "target": target,
                "bin": "dfworx",
                "binary-ext": exe,
            }
            url = expand(spec["pkg-url"], values)
            bin_dir = expand(spec["bin-dir"], values)
            want_prefix = f"{package['repository']}/releases/download/v{version}/"
            if not url.startswith(want_prefix):
                problems.append(f"{target}: pkg-url {url} is not an asset of the release v{version}")

            # The Archive step, as the runner would run it after `cargo build --release --target`.
            run = work / target
            (run / "target" / target / "release").mkdir(parents=True)
            binary = run / "target" / target / "release" / f"dfworx{exe}"
            binary.write_text("#!/bin/sh\n")
            binary.chmod(0o755)
            for doc in ("README.md", "LICENSE"):
                (run / doc).write_text(doc)
            output = run / "github-output"
            output.write_text("")
            env = {
                **os.environ,
                "TARGET": target,
                "VERSION": version,
                "GITHUB_OUTPUT": str(output),
                "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}",
            }
            subprocess.run(["bash", "-eo", "pipefail", "-c", archive_step["run"]], cwd=run, env=env, check=True)
            archive = dict(line.split("=", 1) for line in output.read_text().splitlines())["archive"]
            if archive != url.rsplit("/", 1)[1]:
                problems.append(f"{target}: release.yml uploads {archive}, binstall downloads {url}")
                continue
            fmt = spec.get("pkg-fmt", "tgz")
            if fmt == "zip":
                with zipfile.ZipFile(run / archive) as z:
                    found = bin_dir in z.namelist()
                executable = True  # zip carries no mode bits that Windows needs
            elif fmt == "tgz":
                with tarfile.open(run / archive, "r:gz") as t:
                    member = next((m for m in t.getmembers() if m.name == bin_dir), None)
                    found = member is not None
                    executable = bool(member and member.mode & stat.S_IXUSR)
            else:
                problems.append(f"{target}: pkg-fmt {fmt} is not what release.yml makes")
                continue
            if not found or not executable:
                problems.append(f"{target}: {archive} does not hold an executable {bin_dir}")
            else:
                print(f"release-check: {target}: {url} holds {bin_dir}")
    # The CI job that holds Cargo.toml's rust-version to its word builds with that very toolchain.
    ci = yaml.load((root / ".github/workflows/ci.yml").read_text(), Loader=yaml.BaseLoader)
    toolchains = [s["uses"] for s in ci["jobs"]["msrv"]["steps"] if s.get("uses", "").startswith("dtolnay/rust-toolchain@")]
    if toolchains != [f"dtolnay/rust-toolchain@{package['rust-version']}"]:
        problems.append(f"ci.yml's msrv job uses {toolchains}, Cargo.toml says rust-version {package['rust-version']}")
    for problem in problems:
        print(f"release-check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run a generated workspace's GitHub Actions workflow here, job by job, the way the runner would.

    uv run --no-project --with 'pyyaml>=6,<7' python scripts/ci-jobs.py \
        --workflow .github/workflows/ci.yml --dfworx-bin DIR --pg-url postgresql://postgres@127.0.0.1:5432

Run it in a clean clone of the committed workspace (scripts/e2e.sh does). Every job runs its `run:`
steps in order, in that clone, with the env the workflow sets (workflow, job and step `env:`,
`working-directory`, `shell`), plus what GitHub's runner sets (CI, GITHUB_ACTIONS, GITHUB_ENV, ...).
What the other parts of the workflow would provide comes from this machine, and each substitution is
printed:

- `services:` containers: PostgreSQL and Redis are the local servers. Every PostgreSQL URL in the env
  that points at the service container is rewritten to the local server; a database other than
  `postgres` gets a name of its own for this run (a fresh database, dropped afterwards), and PG* variables
  follow. Redis URLs point at the local Redis. A PgBouncer container is a local `pgbouncer` process
  (Debian's) started for the job, in front of the local PostgreSQL, with the container's POOL_MODE and
  AUTH_TYPE, users looked up in PostgreSQL (auth_query) as the image does; URLs at the container's
  published port go to it.
- `uses:` steps: checkout is the clone itself; setup-node, pnpm/action-setup and setup-uv are the node,
  pnpm and uv on PATH (their versions are checked against .nvmrc and package.json); install-action's
  `dfworx@<v>` is the dfworx built from this repository (--dfworx-bin), whose version must be <v>. Any
  dfworx already on PATH is taken off it first, as on a fresh runner. An action this script does not know
  is an error: teach it below rather than skipping it.
- Docker: a step that needs Docker this machine lacks (`docker build` needs an engine, `docker compose`
  the compose plugin) is skipped with the reason; a job whose every step is skipped so is reported as
  skipped. Nothing else is ever skipped.

The YAML is read with PyYAML's BaseLoader: every scalar stays a string, as GitHub reads `env:` values
(and `on:` stays a key, not YAML 1.1's boolean). Exit 0 when every job passed, 1 naming the job and
the step that failed, 2 when the workflow uses something this script cannot reproduce.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml


class Unsupported(Exception):
    """The workflow uses a feature this script cannot reproduce faithfully (exit 2)."""


class StepFailed(Exception):
    """A step failed (exit 1)."""


def say(message: str) -> None:
    print(f"ci-jobs: {message}", flush=True)


# ---------------------------------------------------------------------------------------------------
# What this machine has


def works(*command: str) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class Machine:
    pg_url: str
    redis_url: str
    dfworx_bin: Path
    suffix: str
    docker_engine: bool = field(init=False)
    docker_compose: bool = field(init=False)

    def __post_init__(self) -> None:
        self.docker_engine = works("docker", "info")
        self.docker_compose = works("docker", "compose", "version")

    def docker_needs(self, script: str) -> str | None:
        """Why `script` cannot run here, if it needs a part of Docker this machine lacks."""
        if not re.search(r"(^|[\s;&|(])docker\s", script):
            return None
        # `docker compose ... config` reads files only: the compose plugin is enough.
        only_config = all(
            re.search(r"docker\s+compose\b.*\bconfig\b", line)
            for line in logical_lines(script)
            if re.search(r"(^|[\s;&|(])docker\s", line)
        )
        if only_config:
            if self.docker_compose:
                return None
            return "needs Docker Compose (`docker compose`), which is not installed on this machine"
        if self.docker_engine:
            return None
        return "needs a Docker engine (`docker info` fails: there is none on this machine)"


def logical_lines(script: str) -> list[str]:
    """Lines with backslash continuations joined."""
    return script.replace("\\\n", " ").splitlines()


# ---------------------------------------------------------------------------------------------------
# Environment: the workflow's, GitHub's, and the service containers mapped to local servers

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)
PG_SERVICE_URL = re.compile(r"^postgres(?:ql)?://(?:[^@/]*@)?(?:127\.0\.0\.1|localhost):5432/([A-Za-z0-9_]+)(\?.*)?$")
POOLER_URL = re.compile(r"^(postgres(?:ql)?://(?:[^@/]*@)?)(?:127\.0\.0\.1|localhost):(\d+)(/.*)?$")
REDIS_SERVICE_URL = re.compile(r"^rediss?://(?:[^@/]*@)?(?:127\.0\.0\.1|localhost):6379(/\d*)?$")


def no_expressions(value: str, where: str) -> str:
    if EXPRESSION.search(value):
        raise Unsupported(f"{where}: `{EXPRESSION.search(value).group(0)}` is an expression this script does not evaluate")
    return value


def env_block(node: object, where: str) -> dict[str, str]:
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise Unsupported(f"{where}: env must be a mapping")
    return {key: no_expressions(str(value), f"{where} env {key}") for key, value in node.items()}


class Databases:
    """Databases of the service container's server, mapped to fresh ones on the local server."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.created: list[str] = []

    def local_name(self, name: str) -> str:
        # `postgres` is the maintenance database (tests create their own through it): the local one.
        if name == "postgres":
            return name
        local = f"{name}_{self.machine.suffix}"
        if local not in self.created:
            # Fresh: a leftover of an interrupted run is dropped; the job's own step creates it.
            self.psql(f'drop database if exists "{local}"')
            self.created.append(local)
        return local

    def psql(self, sql: str) -> None:
        subprocess.run(["psql", f"{self.machine.pg_url}/postgres", "-qc", sql], check=True, capture_output=True)

    def drop_all(self) -> None:
        for name in self.created:
            self.psql(f'drop database if exists "{name}" with (force)')
        self.created.clear()


class Poolers:
    """Local PgBouncer processes standing in for a job's PgBouncer service containers."""

    def __init__(self, machine: Machine) -> None:
        self.machine = machine
        self.ports: dict[int, int] = {}  # the container's published port -> the local pgbouncer's
        self.processes: list[subprocess.Popen[bytes]] = []
        self.dirs: list[Path] = []

    def start(self, name: str, spec: dict, job: str) -> None:
        published = [str(p).split(":", 1)[0] for p in spec.get("ports") or [] if ":" in str(p)]
        if len(published) != 1 or not published[0].isdigit():
            raise Unsupported(f"job {job}: service {name} must publish exactly one port (HOST:CONTAINER)")
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise Unsupported(f"job {job}: service {name} is PgBouncer, and pgbouncer is not installed (apt)")
        env = {str(k): str(v) for k, v in (spec.get("env") or {}).items()}
        local = urlsplit(self.machine.pg_url)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        workdir = Path(tempfile.mkdtemp(prefix="ci-pgbouncer-"))
        self.dirs.append(workdir)
        admin = local.username or "postgres"
        (workdir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={local.hostname or '127.0.0.1'} port={local.port or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = {env.get('AUTH_TYPE', 'scram-sha-256')}\n"
            f"auth_file = {workdir / 'userlist.txt'}\nauth_user = {admin}\n"
            f"pool_mode = {env.get('POOL_MODE', 'session')}\n"
            f"admin_users = {admin}\nmax_client_conn = 200\n"
            "ignore_startup_parameters = extra_float_digits\n"
            f"logfile = {workdir / 'pgbouncer.log'}\n"
        )
        (workdir / "userlist.txt").write_text(f'"{admin}" "{local.password or ""}"\n')
        # PgBouncer refuses to run as root: drop to the postgres account where there is one.
        as_user: list[str] = []
        if os.getuid() == 0:
            as_user = ["-u", "postgres"]
            subprocess.run(["chown", "-R", "postgres", str(workdir)], check=True)
        process = subprocess.Popen([binary, "-q", *as_user, str(workdir / "pgbouncer.ini")])
        self.processes.append(process)
        for _ in range(50):
            if works("pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", admin, "-d", "pgbouncer"):
                break
            time.sleep(0.1)
        else:
            raise StepFailed(f"job {job}: the local pgbouncer for service {name} did not start")
        self.ports[int(published[0])] = port
        say(f"  service {name} ({spec.get('image')}) -> a local pgbouncer on 127.0.0.1:{port} ({env.get('POOL_MODE')} mode)")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=10)
        for workdir in self.dirs:
            shutil.rmtree(workdir, ignore_errors=True)


def map_services(
    env: dict[str, str],
    services: dict,
    machine: Machine,
    dbs: Databases,
    job: str,
    poolers: Poolers,
    announce: bool = False,
) -> dict[str, str]:
    """The env with every reference to a service container pointed at the local server instead."""
    images = {name: str((spec or {}).get("image", "")) for name, spec in (services or {}).items()}
    for name, image in images.items():
        if not announce:
            continue
        if image.startswith("postgres"):
            say(f"  service {name} ({image}) -> the local PostgreSQL at {redact(machine.pg_url)}")
        elif image.startswith("redis"):
            say(f"  service {name} ({image}) -> the local Redis at {machine.redis_url}")
        elif "pgbouncer" in image.split(":", 1)[0]:
            poolers.start(name, services[name] or {}, job)
        else:
            raise Unsupported(f"job {job}: service {name} runs {image!r}; only postgres, redis and pgbouncer are mapped")
    has_pg = any(i.startswith("postgres") for i in images.values())
    has_redis = any(i.startswith("redis") for i in images.values())
    local = urlsplit(machine.pg_url)
    pg_vars = {
        "PGHOST": local.hostname or "127.0.0.1",
        "PGPORT": str(local.port or 5432),
        "PGUSER": local.username or "postgres",
    }
    mapped = dict(env)
    for key, value in env.items():
        if (m := POOLER_URL.match(value)) and int(m.group(2)) in poolers.ports:
            mapped[key] = f"{m.group(1)}127.0.0.1:{poolers.ports[int(m.group(2))]}{m.group(3) or ''}"
        elif has_pg and (m := PG_SERVICE_URL.match(value)):
            mapped[key] = f"{machine.pg_url}/{dbs.local_name(m.group(1))}{m.group(2) or ''}"
        elif has_redis and (m := REDIS_SERVICE_URL.match(value)):
            mapped[key] = machine.redis_url.rstrip("/") + (m.group(1) or "")
        elif has_pg and key in pg_vars:
            mapped[key] = pg_vars[key]
        elif has_pg and key == "PGPASSWORD":
            if local.password:
                mapped[key] = local.password
            else:
                del mapped[key]
        else:
            continue
        if mapped.get(key) != value:
            say(f"  env {key}: {redact(value)} -> {redact(mapped.get(key, '(unset: the local server trusts)'))}")
    return mapped


def redact(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


# ---------------------------------------------------------------------------------------------------
# `uses:` steps: what each action would provide


def read_version(path: Path) -> str:
    return path.read_text().strip().lstrip("v")


def tool_version(*command: str) -> str:
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    return out.splitlines()[0] if out else ""


def provide(action: str, inputs: dict, ctx: JobContext) -> None:
    """Stands in for `uses: action`, or raises Unsupported."""
    name = action.split("@", 1)[0]
    if name == "actions/checkout":
        head = tool_version("git", "-C", str(ctx.root), "rev-parse", "--short", "HEAD")
        say(f"  provided: the clean clone {ctx.root} (commit {head})")
    elif name == "actions/cache":
        say("  provided: nothing (no cache here)")
    elif name == "pnpm/action-setup":
        wanted = inputs.get("version")
        if not wanted:
            manager = json.loads((ctx.root / "package.json").read_text()).get("packageManager", "")
            wanted = manager.removeprefix("pnpm@").split("+", 1)[0]
        have = tool_version("pnpm", "--version")
        if have != wanted:
            raise StepFailed(f"pnpm {wanted} is what the workflow installs, but PATH has pnpm {have}")
        say(f"  provided: pnpm {have} on PATH ({shutil.which('pnpm')})")
    elif name == "actions/setup-node":
        wanted = inputs.get("node-version") or read_version(ctx.root / inputs.get("node-version-file", ".nvmrc"))
        have = tool_version("node", "--version").lstrip("v")
        if have.split(".")[0] != wanted.split(".")[0]:
            raise StepFailed(f"node {wanted} is what the workflow installs, but PATH has node {have}")
        say(f"  provided: node {have} on PATH for {wanted} ({shutil.which('node')})")
    elif name == "astral-sh/setup-uv":
        python = os.environ.get("UV_PYTHON")
        pinned = ctx.root / ".python-version"
        note = f"; Python {python} (UV_PYTHON) for .python-version {read_version(pinned)}" if python and pinned.exists() else ""
        say(f"  provided: {tool_version('uv', '--version')} on PATH{note}")
    elif name == "taiki-e/install-action":
        for tool in [t.strip() for t in inputs.get("tool", "").split(",") if t.strip()]:
            provide_tool(tool, ctx)
    else:
        raise Unsupported(f"`uses: {action}`: this script does not know what it provides; teach provide() in {__file__}")


def provide_tool(tool: str, ctx: JobContext) -> None:
    name, _, wanted = tool.partition("@")
    if name != "dfworx":
        if not shutil.which(name):
            raise StepFailed(f"install-action installs {tool}, which this machine does not have")
        say(f"  provided: {name} on PATH ({shutil.which(name)})")
        return
    binary = ctx.machine.dfworx_bin / "dfworx"
    have = tool_version(str(binary), "--version").removeprefix("dfworx ").strip()
    if wanted and wanted.lstrip("=") != have:
        raise StepFailed(f"the workflow installs dfworx@{wanted}, but this repository builds dfworx {have}")
    ctx.path.insert(0, str(ctx.machine.dfworx_bin))
    say(f"  provided: dfworx {have} built from this repository ({binary}), put first on PATH, instead of downloading dfworx@{wanted}")


# ---------------------------------------------------------------------------------------------------
# Running jobs

SHELLS = {
    None: ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
    "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
    "sh": ["sh", "-e"],
}


@dataclass
class JobContext:
    root: Path
    machine: Machine
    env: dict[str, str]
    path: list[str]
    deadline: float
    files: Path
    poolers: Poolers


def condition(expr: str | None, failed: bool, where: str) -> bool:
    """Whether a step with `if: expr` runs, after earlier steps failed (or not)."""
    if expr is None:
        return not failed
    text = expr.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    known = {"success()": not failed, "failure()": failed, "always()": True, "!cancelled()": True}
    if text in known:
        return known[text]
    raise Unsupported(f"{where}: `if: {expr}` is a condition this script does not evaluate")


def path_without_dfworx(path: str) -> list[str]:
    """PATH minus every directory holding a dfworx: the job must get it through its install step."""
    kept: list[str] = []
    seen: set[str] = set()
    for entry in path.split(os.pathsep):
        if entry in seen:
            continue
        seen.add(entry)
        if entry and (Path(entry) / "dfworx").exists():
            say(f"  PATH: left out {entry} (it holds a dfworx; a fresh runner has none)")
            continue
        kept.append(entry)
    return kept


def read_github_env(file: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    lines = file.read_text().splitlines() if file.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, marker = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != marker:
                body.append(lines[i])
                i += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        i += 1
    return values


def run_job(job_id: str, job: dict, workflow: dict, root: Path, machine: Machine) -> tuple[str, str]:
    """Runs one job; returns (status, detail). Raises StepFailed or Unsupported."""
    title = job.get("name", job_id)
    for key in ("strategy", "container", "uses", "if"):
        if key in job:
            raise Unsupported(f"job {job_id}: `{key}:` is not supported by this script")
    runs_on = str(job.get("runs-on", ""))
    if not runs_on.startswith("ubuntu"):
        raise Unsupported(f"job {job_id}: runs-on {runs_on!r}; only ubuntu runners are reproduced here")
    steps = job.get("steps") or []

    skipped = {i: why for i, s in enumerate(steps) if "run" in s and (why := machine.docker_needs(str(s["run"])))}
    if skipped and len(skipped) == sum(1 for s in steps if "run" in s):
        reasons = sorted(set(skipped.values()))
        return "skipped", "; ".join(reasons)

    dbs = Databases(machine)
    poolers = Poolers(machine)
    files = Path(tempfile.mkdtemp(prefix=f"ci-{job_id}-"))
    env = {**env_block(workflow.get("env"), "workflow"), **env_block(job.get("env"), f"job {job_id}")}
    try:
        env = map_services(env, job.get("services"), machine, dbs, job_id, poolers, announce=True)
    except BaseException:
        poolers.stop()
        raise
    timeout = float(job.get("timeout-minutes", 360)) * 60
    ctx = JobContext(
        root, machine, env, path_without_dfworx(os.environ.get("PATH", "")), time.monotonic() + timeout, files, poolers
    )
    defaults = {**((workflow.get("defaults") or {}).get("run") or {}), **((job.get("defaults") or {}).get("run") or {})}
    failure: str | None = None
    try:
        for index, step in enumerate(steps, start=1):
            label = step.get("name") or step.get("uses") or str(step.get("run", "")).splitlines()[0]
            where = f'job {job_id}, step {index} "{label}"'
            say(f"{job_id} > {index}. {label}")
            if not condition(step.get("if"), failure is not None, where):
                say("  not run (an earlier step failed)" if "if" not in step else "  not run (its `if:` is false)")
                continue
            if index - 1 in skipped:
                say(f"  SKIPPED: {skipped[index - 1]}")
                continue
            try:
                if "uses" in step:
                    provide(str(step["uses"]), step.get("with") or {}, ctx)
                elif "run" in step:
                    run_step(step, where, ctx, defaults, dbs, job)
                else:
                    raise Unsupported(f"{where}: neither `uses:` nor `run:`")
            except StepFailed as err:
                if str(step.get("continue-on-error", "false")) == "true":
                    say(f"  failed, and continue-on-error lets the job go on: {err}")
                elif failure is None:
                    failure = f'job {job_id} ("{title}"), step {index} "{label}" failed: {err}'
    finally:
        dbs.drop_all()
        poolers.stop()
        shutil.rmtree(files, ignore_errors=True)
    if failure:
        raise StepFailed(failure)
    detail = f"{len(steps)} steps"
    if skipped:
        detail += "; skipped " + "; ".join(f'"{steps[i].get("name", i + 1)}" ({why})' for i, why in skipped.items())
    return "passed", detail


def run_step(step: dict, where: str, ctx: JobContext, defaults: dict, dbs: Databases, job: dict) -> None:
    script = no_expressions(str(step["run"]), where)
    shell = step.get("shell", defaults.get("shell"))
    if shell not in SHELLS:
        raise Unsupported(f"{where}: shell {shell!r} is not reproduced here")
    workdir = ctx.root / no_expressions(str(step.get("working-directory", defaults.get("working-directory", "."))), where)
    step_env = map_services(env_block(step.get("env"), where), job.get("services"), ctx.machine, dbs, where, ctx.poolers)
    github = {name: ctx.files / name for name in ("env", "path", "output", "summary")}
    for file in github.values():
        file.write_text("")
    env = {
        **os.environ,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "RUNNER_OS": "Linux",
        "RUNNER_TEMP": str(ctx.files),
        "GITHUB_WORKSPACE": str(ctx.root),
        "GITHUB_ENV": str(github["env"]),
        "GITHUB_PATH": str(github["path"]),
        "GITHUB_OUTPUT": str(github["output"]),
        "GITHUB_STEP_SUMMARY": str(github["summary"]),
        **ctx.env,
        **step_env,
        "PATH": os.pathsep.join(ctx.path),
    }
    script_file = ctx.files / "step.sh"
    script_file.write_text(script)
    remaining = ctx.deadline - time.monotonic()
    if "timeout-minutes" in step:
        remaining = min(remaining, float(step["timeout-minutes"]) * 60)
    try:
        code = subprocess.run([*SHELLS[shell], str(script_file)], cwd=workdir, env=env, timeout=remaining).returncode
    except subprocess.TimeoutExpired:
        raise StepFailed("timed out (timeout-minutes)") from None
    if code != 0:
        raise StepFailed(f"exit code {code}")
    ctx.env.update(read_github_env(github["env"]))
    for entry in reversed(github["path"].read_text().splitlines()):
        if entry:
            ctx.path.insert(0, entry)


def ordered(jobs: dict) -> list[str]:
    """Job ids in file order, each after the jobs it `needs`."""
    done: list[str] = []

    def visit(job_id: str, seen: tuple[str, ...]) -> None:
        if job_id in done:
            return
        if job_id in seen:
            raise Unsupported(f"jobs {' -> '.join(seen)} need each other")
        needs = jobs[job_id].get("needs") or []
        for need in [needs] if isinstance(needs, str) else needs:
            visit(need, (*seen, job_id))
        done.append(job_id)

    for job_id in jobs:
        visit(job_id, ())
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workflow", default=".github/workflows/ci.yml")
    parser.add_argument("--dfworx-bin", required=True, type=Path, help="directory holding the dfworx to install")
    parser.add_argument("--pg-url", required=True, help="local PostgreSQL server URL, without a database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    args = parser.parse_args()

    root = Path.cwd()
    workflow = yaml.load(Path(args.workflow).read_text(), Loader=yaml.BaseLoader)
    machine = Machine(args.pg_url.rstrip("/"), args.redis_url, args.dfworx_bin.resolve(), str(os.getpid()))
    jobs = workflow.get("jobs") or {}
    results: list[tuple[str, str, str, float]] = []
    try:
        # Every job runs, as on GitHub, even after one failed: the summary names each failure.
        for job_id in ordered(jobs):
            job = jobs[job_id]
            say(f"== job {job_id}: {job.get('name', job_id)}")
            started = time.monotonic()
            try:
                status, detail = run_job(job_id, job, workflow, root, machine)
            except StepFailed as err:
                status, detail = "FAILED", str(err)
                say(f"FAILED: {err}")
            if status == "skipped":
                say(f"job {job_id} SKIPPED: {detail}")
            results.append((job_id, status, detail, time.monotonic() - started))
    except Unsupported as err:
        say(f"cannot reproduce this workflow: {err}")
        return 2
    finally:
        for job_id, status, detail, seconds in results:
            say(f"  {job_id:<12} {status:<8} {seconds:5.0f}s  {detail}")
    failed = [r for r in results if r[1] == "FAILED"]
    if failed:
        say(f"{len(failed)} job(s) of {args.workflow} failed: {', '.join(r[0] for r in failed)}")
        return 1
    passed = sum(1 for r in results if r[1] == "passed")
    say(f"every job of {args.workflow} passed ({passed} run, {len(results) - passed} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

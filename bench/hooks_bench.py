"""Per-commit hook overhead, like for like: wfguard vs lefthook vs prek vs pre-commit.

    bash bench/setup.sh && bench/work/venv/bin/python bench/hooks_bench.py [ROUNDS] [--repo CLONE]

One synthetic repository (5,000 files, 1,200 commits) is copied once per tool; a staged change
of 20 files under src/ plus a changelog fragment is committed with `git commit`, rounds
alternating the copies. Every tool runs the same hooks with the same rules:

- case "one hook": a pre-commit hook with one rule (a change under src/ needs a fragment);
- case "two hooks": that, plus a commit-msg hook whose rule is one header regex.

With ``--repo CLONE`` the same cases run on a copy of a real repository (it needs Python files
under src/), and the results go to their own section.

wfguard's rules are configured to be those rules (its changelog rule at pre-commit, a
`pattern` rule rather than the full Conventional Commits preset); the peers run the same check as
a shell script and a regex. lefthook's and prek's native binaries are called directly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness import Tool, alternate, git, machine, median_ms, update_results
from synth import build

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
BIN = WORK / "venv" / "bin"
MESSAGE = "feat(api): add the export endpoint"


REGEX = r"^(build|chore|ci|docs|feat|fix|perf|refactor|revert|style|test)(\([^)]*\))?!?: \S"
CASES = {"one hook": ("pre-commit",), "two hooks": ("pre-commit", "commit-msg"),
         "built-in setup": ("commit-msg",)}


def builtin_configs() -> dict[str, tuple[str, str]]:
    """wfguard's built-in changelog-fragments + conventional-commits (both at commit-msg: the
    fragment's naming and body checked, the full Conventional Commits rules); the peers run the
    nearest they can in the same hook: the fragment script and the header regex."""
    wf = ("version: 1\nextends: [changelog-fragments, conventional-commits]\n"
          "rules:\n  changelog:\n    paths: [\"src/**\"]\n")
    grep = REGEX.replace("\\S", "[^ ]").replace(": ", "[:] ")
    lh = ("commit-msg:\n  commands:\n    changelog:\n      glob: \"src/**\"\n      run: sh bench-changelog-check.sh\n"
          f"    header:\n      run: grep -Eq '{grep}' {{1}}\n")
    pc = ("default_install_hook_types: [commit-msg]\nrepos:\n  - repo: local\n    hooks:\n"
          "      - id: changelog\n        name: changelog fragment\n        language: system\n"
          "        entry: sh bench-changelog-check.sh\n        pass_filenames: false\n        files: ^src/\n"
          "        stages: [commit-msg]\n"
          f"      - id: header\n        name: header\n        language: pygrep\n        entry: '{REGEX}'\n"
          "        args: [--negate]\n        stages: [commit-msg]\n")
    return {"wfguard": (".wfguard.yml", wf), "lefthook": ("lefthook.yml", lh),
            "prek": (".pre-commit-config.yaml", pc), "pre-commit": (".pre-commit-config.yaml", pc)}


def configs(stages: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Each tool's config file name and text for the hooks in ``stages``."""
    two = "commit-msg" in stages
    wf = ("version: 1\nrules:\n  changelog:\n    kind: changelog\n    paths: [\"src/**\"]\n"
          "    fragments: {dir: changelog.d}\n    stages: [pre-commit]\n")
    lh = ("pre-commit:\n  commands:\n    changelog:\n      glob: \"src/**\"\n"
          "      run: sh bench-changelog-check.sh\n")
    pc = ("repos:\n  - repo: local\n    hooks:\n      - id: changelog\n        name: changelog fragment\n"
          "        language: system\n        entry: sh bench-changelog-check.sh\n        pass_filenames: false\n"
          "        files: ^src/\n        stages: [pre-commit]\n")
    if two:
        wf += f"  header:\n    kind: commit-message\n    pattern: '{REGEX}'\n    stages: [commit-msg]\n"
        grep = REGEX.replace("\\S", "[^ ]").replace(": ", "[:] ")  # the same regex in ERE, YAML-safe
        lh += f"commit-msg:\n  commands:\n    header:\n      run: grep -Eq '{grep}' {{1}}\n"
        pc += (f"      - id: header\n        name: header\n        language: pygrep\n        entry: '{REGEX}'\n"
               "        args: [--negate]\n        stages: [commit-msg]\n")
    pc = f"default_install_hook_types: [{', '.join(stages)}]\n" + pc
    return {"wfguard": (".wfguard.yml", wf), "lefthook": ("lefthook.yml", lh),
            "prek": (".pre-commit-config.yaml", pc), "pre-commit": (".pre-commit-config.yaml", pc)}


def floor_hooks(repo: Path, stages: tuple[str, ...], builtin: bool) -> None:
    """The floor: hand-written POSIX shell hooks doing exactly the same rule, in git's hooks
    folder, with nothing in between: the changelog script at pre-commit (at commit-msg in the
    built-in case, where wfguard runs it), and the header regex as one `grep -E` on the message."""
    hooks = repo / ".git" / "hooks"
    grep = REGEX.replace("\\S", "[^ ]")
    check = (HERE / "config" / "changelog-check.sh").read_text()
    scripts: dict[str, str] = {}
    if builtin:  # both at commit-msg: the header, then the fragment script's body
        scripts["commit-msg"] = f"#!/bin/sh\ngrep -Eq '{grep}' \"$1\" || exit 1\n" + check.split("\n", 2)[2]
    else:
        scripts["pre-commit"] = check
        if "commit-msg" in stages:
            scripts["commit-msg"] = f"#!/bin/sh\nexec grep -Eq '{grep}' \"$1\"\n"
    for name, text in scripts.items():
        (hooks / name).write_text(text)
        (hooks / name).chmod(0o755)


def lefthook_binary() -> Path:
    found = sorted((WORK / "venv").glob("lib/python*/site-packages/lefthook/bin/*/lefthook"))
    if not found:
        raise SystemExit("lefthook's binary not found: run bench/setup.sh")
    return found[0]


def stage_change(repo: Path) -> str:
    """Stage 20 edited files under src/ plus a fragment; return the commit to reset to."""
    base = git("rev-parse", "HEAD", cwd=repo)
    files = [p for p in sorted((repo / "src").rglob("*.py"))][:20]
    for p in files:
        p.write_text(p.read_text() + "# edited for the benchmark\n")
    (repo / "changelog.d" / "export.feature.md").write_text("Export endpoint.\n")
    git("add", "-A", "src", "changelog.d", cwd=repo)
    return base


def git_processes(tool: Tool) -> int:
    """How many git processes one hooked `git commit` starts besides itself (GIT_TRACE to a file
    catches those the hooks start with their output captured)."""
    assert tool.setup is not None
    tool.setup()  # back to the staged change, as before every timed run
    trace = WORK / "git-trace.log"
    trace.unlink(missing_ok=True)
    proc = subprocess.run(tool.argv, cwd=tool.cwd, capture_output=True,
                          env={**os.environ, **tool.env, "GIT_TRACE": str(trace)}, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{tool.name}: the traced commit failed: {proc.stderr.decode()[-500:]}")
    tool.setup()
    lines = trace.read_text(errors="replace").splitlines() if trace.exists() else []
    return sum(1 for line in lines if "trace: built-in: git" in line) - 1


def run_case(case: str, template: Path, rounds: int, env: dict[str, str]) -> list[str]:
    stages = CASES[case]
    cfg = builtin_configs() if case == "built-in setup" else configs(stages)
    repos: dict[str, Path] = {}
    for name in ("none", "floor", "wfguard", "lefthook", "prek", "pre-commit"):
        repo = WORK / f"hooks-{name}"
        if repo.exists():
            shutil.rmtree(repo)
        shutil.copytree(template, repo, symlinks=True)
        repos[name] = repo
        if name not in ("none", "floor"):
            filename, text = cfg[name]
            (repo / filename).write_text(text)
    floor_hooks(repos["floor"], stages, builtin=case == "built-in setup")
    full = {**os.environ, **env}
    subprocess.run([str(BIN / "wfguard"), "install"], cwd=repos["wfguard"], check=True, env=full,
                   stdout=subprocess.DEVNULL)
    # a real clone may carry a hook manager's folder (.husky/) that is not set up: wfguard's own
    # hook must be what runs, or the timings measure a commit with no hook at all
    doctor = subprocess.run([str(BIN / "wfguard"), "doctor"], cwd=repos["wfguard"], env=full,
                            capture_output=True, text=True, check=False)
    if doctor.returncode != 0:
        raise SystemExit(f"wfguard's hooks do not run in the benchmark copy:\n{doctor.stdout}")
    subprocess.run([str(lefthook_binary()), "install"], cwd=repos["lefthook"], check=True, env=full,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "prek"), "install", *(a for s in stages for a in ("-t", s))], cwd=repos["prek"],
                   check=True, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(BIN / "pre-commit"), "install", "--install-hooks"], cwd=repos["pre-commit"], check=True,
                   env=full, stdout=subprocess.DEVNULL)
    tools = []
    for name, repo in repos.items():
        base = stage_change(repo)

        def reset(repo: Path = repo, base: str = base) -> None:
            git("reset", "-q", "--soft", base, cwd=repo)  # undo the commit, keep the staged change

        tools.append(Tool(name, ["git", "commit", "-q", "-m", MESSAGE], repo, env=env, setup=reset))
    times = alternate(tools, rounds, warmup=3)
    med = {name: median_ms(t) for name, t in times.items()}
    over = {name: med[name] - med["none"] for name in med if name != "none"}
    traced = {t.name: git_processes(t) for t in tools}
    procs = {name: n - traced["none"] for name, n in traced.items()}  # beyond what the commit itself starts
    print(case, {k: round(v, 1) for k, v in med.items()}, procs, file=sys.stderr)
    w, floor = over["wfguard"], over["floor"]
    rows = [f"| {name} | {med[name]:.1f} ms | {over[name]:.1f} ms | {over[name] / floor:.1f}× | "
            f"{w / over[name]:.2f} | {procs[name]} |" for name in ("wfguard", "lefthook", "prek", "pre-commit")]
    return [
        f"### {case}: {' + '.join(stages)}",
        "",
        "| tool | `git commit` (median) | overhead vs no hook | overhead / floor | wfguard / tool | git processes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| no hook | {med['none']:.1f} ms | — | — | — | — |",
        f"| shell floor | {med['floor']:.1f} ms | {floor:.1f} ms | 1.0× | — | {procs['floor']} |",
        *rows,
        "",
    ]


def real_template(clone: Path) -> Path:
    """A copy of a real repository's clone, on a branch of its own, with the bench's script."""
    template = WORK / "hooks-template-real"
    if template.exists():
        shutil.rmtree(template)
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(clone), str(template)], check=True)
    git("switch", "-q", "-c", "bench", cwd=template)
    # the project's own hook configs go: each tool gets the bench's, untracked, as in the synthetic case
    own = [f for f in (".pre-commit-config.yaml", "lefthook.yml", ".wfguard.yml") if (template / f).exists()]
    if own:
        git("rm", "-q", "--", *own, cwd=template)
        git("commit", "-q", "--no-verify", "-m", "chore: no hook configs for the benchmark", cwd=template)
    (template / "changelog.d").mkdir(exist_ok=True)
    return template


def main() -> None:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    args = sys.argv[1:]
    real = Path(args[args.index("--repo") + 1]).resolve() if "--repo" in args else None
    if real is not None:
        del args[args.index("--repo"):args.index("--repo") + 2]
    rounds = int(args[0]) if args else 21
    template = real_template(real) if real else build(WORK / "hooks-template", files=5000, commits=1200)
    shutil.copy(HERE / "config" / "changelog-check.sh", template / "bench-changelog-check.sh")
    env = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.com",
           "LEFTHOOK_BIN": str(lefthook_binary()), "PATH": f"{BIN}:{os.environ['PATH']}"}
    if real is not None:
        label = (real.parent.name if real.name in ("repo", ".git") else real.name).replace("+", "/")
        files = len(git("ls-files", cwd=template).splitlines())
        commits = git("rev-list", "--count", "HEAD", cwd=template)
        lines = [
            f"## Hook overhead on a real repository: {label}",
            "",
            f"Machine: {machine()}. {rounds} alternated rounds per tool and case; medians. The same cases",
            "and rules as above, on a copy of the clone (`bench/hooks_bench.py --repo CLONE`).",
            f"Repository: {files:,} files, {int(commits):,} commits; staged: 20 files under src/ and one fragment.",
            "",
        ]
    else:
        lines = [
            "## Hook overhead per commit, like for like: wfguard vs lefthook, prek and pre-commit",
            "",
            f"Machine: {machine()}. {rounds} alternated rounds of `git commit` per tool and case; medians.",
            "Reproduce: `bash bench/setup.sh && bench/work/venv/bin/python bench/hooks_bench.py`",
            "",
            "Every tool runs the same hooks with the same rules (see the script's docstring); the",
            "overhead is the median `git commit` minus the median commit with no hook. \"git processes\"",
            "counts the git commands one hooked commit starts besides the commit itself (GIT_TRACE).",
            "Repository: 5,000 files, 1,200 commits; staged: 20 files under src/ and one fragment.",
            "",
        ]
    for case in CASES:
        lines += run_case(case, template, rounds, env)
    update_results("hooks-real" if real is not None else "hooks", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

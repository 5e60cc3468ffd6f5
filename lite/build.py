"""Build the static JupyterLite site of the practice track (`make lite`, issue #15).

Everything the page loads comes from the build: Pyodide's core from its npm package
(lite/package.json, installed into lite/node_modules; its loader with the working folder last
on sys.path, see CWD_FIRST), every Python package as a wheel in
a pyodide-lock.json written here (no entry points at a CDN), the course itself as a wheel of
the student-side and practice packages only, and the practice bank of the notebooks it
carries as a wheel of its own. Run with lite/.venv's Python (lite/requirements.txt).

    lite/.venv/bin/python lite/build.py            # -> lite/_output
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

LITE = Path(__file__).resolve().parent
ROOT = LITE.parent
WORK = LITE / "_build"  # JupyterLite's lite dir (git-ignored)
OUTPUT = LITE / "_output"
WHEELS = WORK / "wheels"
PYODIDE_NPM = LITE / "node_modules" / "pyodide"
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide.js")
SITE_PACKAGES = "/lib/python3.14/site-packages"  # Pyodide 314's

# The notebooks the site carries: the start notebook, the practice reviews and My Progress
# (with the drills). 05.00 is left out: it is a pandas/matplotlib lab with no review in it, and those are compiled packages.
NOTEBOOKS = (
    "00.00-Start-Here.ipynb",
    "01.00-December-2025-The-Agent-That-Recreated-An-Environment.ipynb",
    "02.00-March-2-2026-Wrong-Delivery-Estimates.ipynb",
    "03.00-March-5-2026-The-Storefront-Outage.ipynb",
    "04.00-Security-In-AI-Written-Code.ipynb",
    "06.00-Capstone.ipynb",
    "07.00-My-Progress.ipynb",
)
# The student side and practice, nothing else: no grading (nbgrader), report, cli or demo.
COURSE_PACKAGES = ("diff", "review", "keys", "scoring", "practice")
COURSE_MODULES = ("__init__.py", "vocab.py")

# Packages taken at the version Pyodide 314.0.6 ships (its pyodide-lock.json), as PyPI's wheels:
# what the kernel needs (micropip, IPython and the rest) and what the course needs.
FROM_PYODIDE_LOCK = (
    "micropip",
    "packaging",
    "ipython",
    "asttokens",
    "decorator",
    "executing",
    "matplotlib-inline",
    "prompt-toolkit",
    "pure-eval",
    "pygments",
    "six",
    "stack-data",
    "traitlets",
    "wcwidth",
    "jedi",
    "parso",
    "typing-extensions",
)
# Dependencies between the packages Pyodide does not ship (their wheels' Requires-Dist, cut to
# what is imported here: ipywidgets' widgetsnbextension and jupyterlab_widgets are front-end only).
EXTRA_DEPENDS = {
    "ipython-pygments-lexers": ["pygments"],
    "comm": ["traitlets"],
    "ipywidgets": ["comm", "ipython", "traitlets"],
    "psygnal": ["typing-extensions"],
    "anywidget": ["ipywidgets", "psygnal", "typing-extensions"],
    "unidiff": [],
    "filelock": [],
    "mdurl": [],
    "markdown-it-py": ["mdurl"],
    "ipykernel": ["pyodide-kernel"],
    "pyodide-kernel": ["comm", "ipython"],
    "piplite": ["micropip"],
    "widgetsnbextension": [],
    "fsrs": ["typing-extensions"],
}
# Wheels of the site the kernel does not load at start (each would delay the first viewer): the
# kernel loads a package of pyodide-lock.json when a cell imports it (pyodide-kernel calls
# loadPackagesFromImports on every cell), so the site's copy of a notebook imports it in the
# cells that need it (ON_DEMAND_CELLS).
ON_DEMAND = ("fsrs",)
# Cells whose code needs an on-demand package, by how they start, and the line the site puts
# first in them. My Progress lists the drills due (fsrs); drill() schedules them (fsrs).
ON_DEMAND_CELLS = {
    "from course.practice import my_progress": "import fsrs  # in the browser: loads spaced practice from this site\n",
    "from course.practice import drill": "import fsrs  # in the browser: loads spaced practice from this site\n",
}
COURSE_DEPENDS = ["anywidget", "traitlets", "pygments", "markdown-it-py", "filelock", "unidiff", "cra-practice-bank"]


# Pyodide puts the working folder first on sys.path (`sys.path.insert(0,"")` in pyodide.mjs). In
# the kernel that folder is JupyterLite's drive, where every stat is a synchronous request to the
# page, and Python stats the first entry of sys.path on every top-level import: about 90 such
# requests before the kernel is ready. The site's copy of Pyodide puts the folder last instead:
# the learner's files still import, they no longer shadow a module of the standard library or
# of the site's wheels, and the first viewer paints about a second sooner
# (benchmarks/bench_lite.py, docs/design.md "JupyterLite").
CWD_FIRST = 'sys.path.insert(0,"")'
CWD_LAST = 'sys.path.append("")'


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def run(*cmd: str | Path, cwd: Path | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=cwd)


# Cells of the notebooks that Pyodide cannot run, each with the note the site shows above it.
BROWSER_NOTES = {
    "import threading": (
        "**In the browser** (this JupyterLite site) the next cell stops with `RuntimeError: can't start "
        "new thread`: Pyodide runs Python without threads. Run it with `make lab` to watch the race: it "
        "prints `units sold: 2 from a stock of 1`."
    ),
}


def copy_notebook(name: str, dest: Path) -> None:
    """The notebook as it is, with a note above each cell the browser cannot run, and the
    import of an on-demand package first in each cell that needs one."""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        for start, note in BROWSER_NOTES.items():
            if cell["cell_type"] == "code" and source.startswith(start):
                cells.append({"cell_type": "markdown", "id": f"lite-note-{len(cells)}", "metadata": {}, "source": note})
        for start, line in ON_DEMAND_CELLS.items():
            if cell["cell_type"] == "code" and source.startswith(start):
                cell = {**cell, "source": line + source}
        cells.append(cell)
    nb["cells"] = cells
    (dest / name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def working_folder_last(path: Path) -> None:
    """Pyodide's loader with the working folder last on sys.path (CWD_FIRST says why)."""
    text = path.read_text(encoding="utf-8")
    if text.count(CWD_FIRST) != 1:
        raise SystemExit(f"{path}: expected {CWD_FIRST!r} once, found it {text.count(CWD_FIRST)} times")
    path.write_text(text.replace(CWD_FIRST, CWD_LAST), encoding="utf-8")


def notebook_slugs() -> list[str]:
    slugs: list[str] = []
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                slugs += re.findall(r"practice\(\s*\"([a-z0-9-]+)\"", "".join(cell["source"]))
    return sorted(set(slugs))


# wheels -------------------------------------------------------------------------------------


def write_wheel(dest: Path, name: str, version: str, files: dict[str, bytes], requires: list[str]) -> Path:
    """A minimal, byte-stable py3-none-any wheel of `files` (archive path -> content)."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    meta = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"]
    meta += [f"Requires-Dist: {r}\n" for r in requires]
    files = dict(sorted(files.items()))
    files[f"{info}/METADATA"] = "".join(meta).encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: lite/build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    out = dest / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            zi = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out


def tree_files(root: Path, prefix: str) -> dict[str, bytes]:
    skip = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
    return {
        f"{prefix}/{p.relative_to(root).as_posix()}": p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not skip & set(p.relative_to(root).parts) and p.suffix != ".pyc"
    }


def course_wheel() -> Path:
    course = ROOT / "course"
    files = {f"course/{m}": (course / m).read_bytes() for m in COURSE_MODULES}
    for pkg in COURSE_PACKAGES:
        files.update(tree_files(course / pkg, f"course/{pkg}"))
    version = re.search(r'__version__ = "([^"]+)"', (course / "__init__.py").read_text()).group(1)  # type: ignore[union-attr]
    return write_wheel(WHEELS, "code-review-academy", version, files, COURSE_DEPENDS)


def bank_wheel(slugs: list[str]) -> Path:
    """The public exercises the site's notebooks practise on. Their keys are public for
    self-learners (practice scores in the learner's own kernel); the private bank
    (assignment-only exercises) is never read here."""
    files = {"cra_practice_bank/__init__.py": b'"""The practice bank of the JupyterLite site."""\n'}
    for slug in slugs:
        folder = ROOT / "exercises" / slug
        if not (folder / "exercise.toml").is_file():
            raise SystemExit(f"{folder}: not a public exercise")
        files.update(tree_files(folder, f"cra_practice_bank/exercises/{slug}"))
    return write_wheel(WHEELS, "cra-practice-bank", "1.0.0", files, [])


def filelock_wheel() -> Path:
    """filelock's interface over an in-process lock (lite/filelock_shim.py says why)."""
    files = {"filelock/__init__.py": (LITE / "filelock_shim.py").read_bytes()}
    return write_wheel(WHEELS, "filelock", "0.0.0+jupyterlite", files, [])


def markupsafe_wheel(lock: dict) -> Path:
    """MarkupSafe without its C speedups (its own pure-Python fallback, markupsafe._native), at
    the version Pyodide ships: PyPI has no pure wheel of it, so it is made from the sdist."""
    version = lock["packages"]["markupsafe"]["version"]
    sdists = WORK / "sdists"
    run(
        sys.executable,
        "-m",
        "pip",
        "download",
        "-q",
        "--no-deps",
        "--no-binary=:all:",
        "-d",
        sdists,
        f"markupsafe=={version}",
    )
    (sdist,) = sdists.glob(f"[mM]arkup[sS]afe-{version}.tar.gz")
    files = {}
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and parts[1:3] == ["src", "markupsafe"] and not parts[-1].endswith((".c", ".pyi")):
                files["markupsafe/" + "/".join(parts[3:])] = tar.extractfile(member).read()  # type: ignore[union-attr]
    return write_wheel(WHEELS, "markupsafe", version, files, [])


def download_wheels(lock: dict) -> None:
    specs = [f"{name}=={lock['packages'][name]['version']}" for name in FROM_PYODIDE_LOCK]
    specs += [
        line.split("#")[0].strip()
        for line in (LITE / "kernel-requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    run(
        sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
        "--platform", "any", "--python-version", "3.14", "--implementation", "py", "--abi", "none",
        "-d", WHEELS, *specs,
    )  # fmt: skip
    # The kernel's own wheels (pyodide-kernel, piplite, the ipykernel shim), from its extension.
    import jupyterlite_pyodide_kernel

    ext = Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension/static/pypi"
    if not ext.is_dir():
        raise SystemExit(
            f"{ext}: jupyterlite-pyodide-kernel {jupyterlite_pyodide_kernel.__version__} has no wheels there"
        )
    for whl in ext.glob("*.whl"):
        if not whl.name.startswith("widgetsnbextension-3"):
            shutil.copy2(whl, WHEELS / whl.name)


def wheel_imports(whl: Path) -> list[str]:
    with zipfile.ZipFile(whl) as z:
        tops = {n.split("/")[0] for n in z.namelist() if "/" in n or n.endswith(".py")}
    return sorted(t.removesuffix(".py") for t in tops if not t.endswith((".dist-info", ".data")))


def write_lock(lock: dict, dest: Path) -> list[str]:
    """pyodide-lock.json listing exactly the wheels of this build (and their sha256)."""
    original = lock["packages"]
    packages = {}
    for whl in sorted(WHEELS.glob("*.whl")):
        name, version = whl.name.split("-")[:2]
        key = canon(name)
        if key in original:
            depends = [canon(d) for d in original[key]["depends"]]
        elif key == "code-review-academy":
            depends = COURSE_DEPENDS
        elif key == "cra-practice-bank":
            depends = []
        else:
            depends = EXTRA_DEPENDS[key]
        packages[key] = {
            "name": key,
            "version": version,
            "file_name": whl.name,
            "install_dir": "site",
            "sha256": hashlib.sha256(whl.read_bytes()).hexdigest(),
            "package_type": "package",
            "imports": wheel_imports(whl),
            "depends": depends,
            "unvendored_tests": False,
            "shared_library": False,
        }
        shutil.copy2(whl, dest / whl.name)
    missing = {d for p in packages.values() for d in p["depends"]} - set(packages)
    if missing:
        raise SystemExit(f"pyodide-lock.json: no wheel for {sorted(missing)}")
    (dest / "pyodide-lock.json").write_text(json.dumps({"info": lock["info"], "packages": packages}, indent=1))
    return sorted(packages)


def jupyter_lite_json(packages: list[str]) -> dict:
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Code Review Academy",
            "exposeAppInBrowser": True,  # window.jupyterapp, for the browser test
            "litePluginSettings": {
                "@jupyterlite/pyodide-kernel-extension:kernel": {
                    "pyodideUrl": "./static/pyodide/pyodide.mjs",
                    "disablePyPIFallback": True,
                    "loadPyodideOptions": {
                        # at start, in parallel, from this site (no micropip lookups): all
                        # but the on-demand wheels, which a cell's import loads (ON_DEMAND)
                        "packages": [p for p in packages if p not in ON_DEMAND],
                        "env": {"COURSE_BANK": f"{SITE_PACKAGES}/cra_practice_bank/exercises"},
                    },
                }
            },
        },
    }


def main() -> None:
    if not (PYODIDE_NPM / "pyodide.mjs").is_file():
        raise SystemExit(f"{PYODIDE_NPM}: run npm ci --prefix lite first (make lite does)")
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.rmtree(OUTPUT, ignore_errors=True)
    WHEELS.mkdir(parents=True)
    pyodide = WORK / "static" / "pyodide"
    pyodide.mkdir(parents=True)
    for name in PYODIDE_CORE:
        shutil.copy2(PYODIDE_NPM / name, pyodide / name)
    for name in ("pyodide.mjs", "pyodide.js"):  # the kernel's module, and its classic-script twin
        working_folder_last(pyodide / name)
    lock = json.loads((PYODIDE_NPM / "pyodide-lock.json").read_text())

    slugs = notebook_slugs()
    download_wheels(lock)
    course_wheel()
    bank_wheel(slugs)
    filelock_wheel()
    markupsafe_wheel(lock)
    # .pyc files compiled by Pyodide's Python: the kernel starts without compiling IPython & co.
    run("node", LITE / "pycompile.mjs", WHEELS, cwd=LITE)
    packages = write_lock(lock, pyodide)
    if set(ON_DEMAND) - set(packages):
        raise SystemExit(f"pyodide-lock.json: no wheel for the on-demand {sorted(set(ON_DEMAND) - set(packages))}")

    files = WORK / "files"
    files.mkdir()
    for name in NOTEBOOKS:
        copy_notebook(name, files)
    (WORK / "jupyter-lite.json").write_text(json.dumps(jupyter_lite_json(packages), indent=1))
    run(
        sys.executable, "-m", "jupyter", "lite", "build",
        "--lite-dir", WORK, "--contents", files, "--output-dir", OUTPUT,
        cwd=WORK,  # doit's task database goes there, and is made afresh with it
    )  # fmt: skip
    print(f"built {OUTPUT} with {len(NOTEBOOKS)} notebooks, {len(slugs)} exercises: {', '.join(slugs)}")


if __name__ == "__main__":
    main()

// Run every code cell of the site's notebooks in Pyodide under Node, with the site's own
// pyodide-lock.json and wheels and the kernel's settings, as the browser kernel would: the
// packages it loads at start, then before each cell the packages the cell imports
// (loadPackagesFromImports, as pyodide-kernel does), and the value of a cell's last expression
// shown (its _repr_mimebundle_). The notebooks share one working folder, as they share the
// site's drive, in file order; every review a notebook opened builds its viewer and is then
// submitted, as a learner would, so My Progress (07.00) finds the attempts.
// Prints one JSON line: {"failures": the cells that raised, each as {notebook, cell, error,
// after_note} (after_note: the site shows a note above that cell), "shown": each shown value as
// {notebook, cell, text, plot} (plot: the data URI type of My Progress's plot, or null),
// "sys_path", and "cwd_import": what a module written to the working folder gave on import}.
// Usage: node run_notebooks.mjs SITE_DIR   (tests/test_lite_site.py runs it)
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const site = path.resolve(process.argv[2]);
const pyodideDir = path.join(site, "static", "pyodide") + "/";
// the site's own copy of Pyodide's loader (lite/build.py puts the working folder last on sys.path)
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const config = JSON.parse(fs.readFileSync(path.join(site, "jupyter-lite.json"), "utf8"));
const kernel = config["jupyter-config-data"].litePluginSettings["@jupyterlite/pyodide-kernel-extension:kernel"];
const py = await loadPyodide({
  indexURL: pyodideDir,
  packages: kernel.loadPyodideOptions.packages,
  env: kernel.loadPyodideOptions.env,
  stdout: () => {},
  stderr: () => {},
});
py.mountNodeFS("/site-files", path.join(site, "files"));
const results = await py.runPythonAsync(`
import ast, contextlib, io, json, os, re, sys, tempfile
import pyodide_js
from course.review import Review
failures, shown = [], []
os.chdir(tempfile.mkdtemp())  # the drive: one folder for every notebook, empty at first
for name in sorted(os.listdir("/site-files")):
    if not name.endswith(".ipynb"):
        continue
    nb = json.load(open(f"/site-files/{name}"))
    scope = {"__name__": "__main__"}
    previous = None
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            try:
                await pyodide_js.loadPackagesFromImports(source)
                tree = ast.parse(source, f"{name}[{i}]")
                last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(tree, f"{name}[{i}]", "exec"), scope)
                    value = eval(compile(ast.Expression(last.value), f"{name}[{i}]", "eval"), scope) if last else None
                    if isinstance(value, Review):  # a review shown (drill()): its viewer is built
                        assert value.viewer is not None
                        bundle = {"text/plain": f"review of {value.slug}"}
                    else:
                        bundle = value._repr_mimebundle_() if hasattr(value, "_repr_mimebundle_") else None
                if bundle:
                    plot = re.search(r'class="cra-my-progress-plot[^"]*"[^>]* src="data:([^;]+);', bundle.get("text/html", ""))
                    shown.append({"notebook": name, "cell": i, "text": bundle.get("text/plain", ""), "plot": plot and plot.group(1)})
            except BaseException as e:
                note = previous is not None and previous["cell_type"] == "markdown" and previous.get("id", "").startswith("lite-note-")
                failures.append({"notebook": name, "cell": i, "error": f"{type(e).__name__}: {e}", "after_note": note})
        previous = cell
    # every review the notebook opened builds its viewer (the page model, highlighting, the
    # widget), and is submitted as it stands
    for value in list(scope.values()):
        if isinstance(value, Review):
            try:
                assert value.viewer is not None
                if value.practice_mode:
                    value.submit()
            except BaseException as e:
                failures.append({"notebook": name, "cell": "viewer", "error": f"{type(e).__name__}: {e}", "after_note": False})
# the learner's own module in the working folder still imports, after every other place
with open("lite_cwd_probe.py", "w") as f:
    f.write("VALUE = 42\\n")
import importlib
importlib.invalidate_caches()
import lite_cwd_probe
json.dumps({"failures": failures, "shown": shown, "sys_path": sys.path, "cwd_import": lite_cwd_probe.VALUE})
`);
console.log(results);

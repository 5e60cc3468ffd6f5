// Run every code cell of the site's notebooks in Pyodide under Node, with the site's own
// pyodide-lock.json and wheels and the kernel's COURSE_BANK: what a learner's browser kernel
// would import and run, minus the page. Prints one JSON line: the cells that raised, each as
// {notebook, cell, error, after_note} (after_note: the site shows a note above that cell); then
// builds the viewer of every review the notebooks opened.
// Usage: node run_notebooks.mjs SITE_DIR   (tests/test_lite_site.py runs it)
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";
import fs from "node:fs";
import path from "node:path";

const site = path.resolve(process.argv[2]);
const pyodideDir = path.join(site, "static", "pyodide") + "/";
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
const failures = await py.runPythonAsync(`
import contextlib, io, json, os, shutil, tempfile
results = []
for name in sorted(os.listdir("/site-files")):
    if not name.endswith(".ipynb"):
        continue
    work = tempfile.mkdtemp()  # a fresh working folder per notebook, as a fresh drive would be
    os.chdir(work)
    nb = json.load(open(f"/site-files/{name}"))
    scope = {"__name__": "__main__"}
    previous = None
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile("".join(cell["source"]), f"{name}[{i}]", "exec"), scope)
            except BaseException as e:
                note = previous is not None and previous["cell_type"] == "markdown" and previous.get("id", "").startswith("lite-note-")
                results.append({"notebook": name, "cell": i, "error": f"{type(e).__name__}: {e}", "after_note": note})
        previous = cell
    # every review the notebook opened builds its viewer (the page model, highlighting, the widget)
    from course.review import Review
    for value in list(scope.values()):
        if isinstance(value, Review):
            try:
                assert value.viewer is not None
            except BaseException as e:
                results.append({"notebook": name, "cell": "viewer", "error": f"{type(e).__name__}: {e}", "after_note": False})
json.dumps(results)
`);
console.log(failures);

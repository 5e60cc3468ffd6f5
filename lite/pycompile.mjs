// Byte-compile the site's wheels with Pyodide's own Python (3.14), so the browser kernel imports
// .pyc files instead of compiling every module at start-up (lite/build.py runs this under Node).
// Each .py gets an unchecked-hash .pyc beside it in __pycache__ (PEP 552): valid whatever the
// mtime the wheel's files get when Pyodide unpacks them. Usage: node pycompile.mjs WHEEL_DIR
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";
import path from "node:path";

const dir = path.resolve(process.argv[2]);
const py = await loadPyodide();
py.mountNodeFS("/wheels", dir);
const out = await py.runPythonAsync(`
import base64, hashlib, importlib.util, pathlib, sys, warnings, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

warnings.simplefilter("ignore")  # other packages' old escapes: not ours to report here

tag = sys.implementation.cache_tag
done = []
for whl in sorted(pathlib.Path("/wheels").glob("*.whl")):
    with zipfile.ZipFile(whl) as z:
        members = [(i, z.read(i)) for i in z.infolist()]
    names = {i.filename for i, _ in members}
    if any(n.endswith(f".{tag}.pyc") for n in names) or whl.name.startswith("cra_practice_bank-"):
        continue  # compiled already; the bank's code is read as text, never imported
    added, record = [], None
    for info, data in members:
        if info.filename.endswith("dist-info/RECORD"):
            record = info.filename
        if not info.filename.endswith(".py"):
            continue
        try:
            code = compile(data, info.filename, "exec", dont_inherit=True, optimize=0)
        except (SyntaxError, ValueError):
            continue
        pyc = _code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
        folder, _, name = info.filename.rpartition("/")
        target = f"{folder}/__pycache__/{name[:-3]}.{tag}.pyc" if folder else f"__pycache__/{name[:-3]}.{tag}.pyc"
        added.append((target, bytes(pyc)))
    lines = []
    for target, pyc in added:
        digest = base64.urlsafe_b64encode(hashlib.sha256(pyc).digest()).rstrip(b"=").decode()
        lines.append(f"{target},sha256={digest},{len(pyc)}")
    tmp = whl.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == record:
                data = data.rstrip(b"\\n") + b"\\n" + "\\n".join(lines).encode() + b"\\n"
            z.writestr(info, data)
        for target, pyc in added:
            z.writestr(zipfile.ZipInfo(target, date_time=(2020, 1, 1, 0, 0, 0)), pyc, zipfile.ZIP_DEFLATED)
    tmp.replace(whl)
    done.append(f"{whl.name}: {len(added)}")
"\\n".join(done)
`);
console.log(out);

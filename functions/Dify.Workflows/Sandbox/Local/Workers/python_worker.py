# Long-lived worker for the local code sandbox: runs Dify "code" nodes (python3) and renders
# template-transform nodes (jinja2). Protocol: one JSON request per line on stdin, one JSON
# response per line on stdout. The host starts it as:
#   python3 -I -B python_worker.py <scratch dir> <memory limit MiB> <max captured stdout chars>
# Isolation is defence in depth: the host may also run us in an empty network namespace with an
# empty environment; here we add rlimits and a PEP 578 audit hook before any user code runs.
import builtins
import io
import json
import os
import resource
import sys
import traceback
from functools import lru_cache

SCRATCH = os.path.realpath(sys.argv[1])
MEMORY_LIMIT_MIB = int(sys.argv[2])
MAX_CAPTURE = int(sys.argv[3])

# The protocol gets private copies of fds 0/1; fd 0 becomes /dev/null and fd 1 points at stderr,
# so nothing user code writes (print, os.write(1, ...), C extensions) can corrupt the protocol.
PROTO_IN = os.fdopen(os.dup(0), "rb")
PROTO_OUT = os.fdopen(os.dup(1), "wb")
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
os.close(_devnull)
os.dup2(2, 1)


def send(obj):
    PROTO_OUT.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))
    PROTO_OUT.write(b"\n")
    PROTO_OUT.flush()


# Pre-import what the worker and typical user code need, so later imports are cache hits and the
# audit hook below only has to allow reads inside the Python installation.
try:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment
    import base64, collections, copy, datetime, decimal, fractions, functools, hashlib, heapq  # noqa: E401,F401
    import html, itertools, math, operator, random, re, statistics, string, textwrap, time  # noqa: E401,F401
    import typing, unicodedata, urllib.parse, uuid  # noqa: E401,F401
except Exception as e:  # e.g. python3-jinja2 missing: report it instead of dying silently
    send({"ready": False, "error": f"{type(e).__name__}: {e}"})
    sys.exit(1)

# Memory: address-space limit (soft and hard, so user code cannot lift it). File size and core
# dumps are bounded too; the hook below forbids changing rlimits.
_mem = MEMORY_LIMIT_MIB * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (_mem, _mem))
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, 64 * 1024 * 1024))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _real(p):
    return os.path.realpath(p)


READ_ROOTS = tuple(sorted({_real(p) for p in sys.path if p and os.path.isdir(p)}
                          | {_real(sys.prefix) + "/lib", _real(sys.base_prefix) + "/lib", "/usr/share/zoneinfo"}))
DENIED_EVENTS = frozenset({
    # network
    "socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
    "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo",
    "socket.sethostname", "urllib.Request", "webbrowser.open",
    # processes and signals
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "os.kill", "os.killpg", "signal.pthread_kill", "pty.spawn", "os.startfile",
    # native code
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.cdata", "ctypes.call_function",
    "ctypes.string_at", "ctypes.wstring_at", "ctypes.addressof",
    # things that would outlive one call in this shared worker, or lift limits
    "_thread.start_new_thread", "sys.addaudithook", "resource.setrlimit", "resource.prlimit",
    "os.symlink", "os.link", "os.chroot",
})
# Path events: first argument (and second for rename) must stay inside the scratch folder.
WRITE_PATH_EVENTS = frozenset({
    "os.remove", "os.rmdir", "os.mkdir", "os.rename", "os.truncate", "os.chmod", "os.chown",
    "os.utime", "os.chflags", "os.lchflags", "os.setxattr", "os.removexattr", "os.mkfifo", "os.mknod",
    "shutil.rmtree", "shutil.copyfile", "shutil.copymode", "shutil.copystat", "shutil.move",
    "os.chdir",  # relative paths are checked against the cwd, so the cwd stays in scratch
})
READ_PATH_EVENTS = frozenset({"os.listdir", "os.scandir", "os.getxattr", "os.listxattr", "glob.glob"})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _inside(path, roots):
    return any(path == r or path.startswith(r + os.sep) for r in roots)


def _resolve(path):
    if isinstance(path, int):
        return None  # an already-open descriptor: opening it grants nothing new
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str):
        # A user PathLike could answer differently to the hook and to the real call.
        raise PermissionError("sandbox: only str/bytes paths are allowed")
    return _real(os.path.join(os.getcwd(), path))


_in_hook = [False]


def _audit(event, args):
    if _in_hook[0]:
        return  # realpath() inside the hook must not recurse into it
    if event in DENIED_EVENTS:
        raise PermissionError(f"sandbox: operation not permitted ({event})")
    if event == "import" and args and args[0] in ("_posixsubprocess", "_ctypes", "ctypes", "_thread"):
        raise PermissionError(f"sandbox: import of {args[0]} is not permitted")
    checks = None
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                  (isinstance(flags, int) and flags & _WRITE_FLAGS)
        checks = [(path, writing)]
    elif event in WRITE_PATH_EVENTS:
        two = event in ("os.rename", "shutil.copyfile", "shutil.move")
        checks = [(a, True) for a in args[:2 if two else 1]]
        # Paths relative to a dir_fd would be checked against the wrong base.
        dir_fds = args[2:4] if event == "os.rename" else (args[-1:] if event.startswith("os.") and
                                                           event not in ("os.truncate", "os.chdir") else ())
        if any(fd not in (None, -1) for fd in dir_fds):
            raise PermissionError(f"sandbox: dir_fd is not permitted ({event})")
    elif event in READ_PATH_EVENTS:
        checks = [(args[0] if args else ".", False)]
    if not checks:
        return
    _in_hook[0] = True
    try:
        for path, writing in checks:
            if path is None:
                path = "."
            real = _resolve(path)
            if real is None:
                continue
            if _inside(real, (SCRATCH,)):
                continue
            if event == "open" and os.path.isdir(real):
                # os.open() does not report dir_fd to the hook; no directory fds outside scratch.
                raise PermissionError(f"sandbox: opening directory {path!r} is not permitted")
            if not writing and (_inside(real, READ_ROOTS) or real in ("/dev/null", "/dev/urandom")):
                continue
            raise PermissionError(f"sandbox: {'writing' if writing else 'reading'} {path!r} is not permitted")
    finally:
        _in_hook[0] = False


for _m in ("subprocess", "ctypes", "_ctypes"):
    sys.modules.pop(_m, None)

# Libraries (sympy, requests...) import subprocess without running anything; Dify's sandbox lets the
# import happen and blocks the system calls. Here the process creation primitive is replaced before
# the hook goes in, and loading _posixsubprocess afresh (to get the real one back) stays denied.
import _posixsubprocess  # noqa: E402


def _no_processes(*args, **kwargs):
    raise PermissionError("sandbox: operation not permitted (subprocess)")


_posixsubprocess.fork_exec = _no_processes


def _no_threads(*args, **kwargs):
    raise PermissionError("sandbox: threads are not permitted")


# Python 3.11 raises no audit event for new threads. A thread would outlive its call in this
# shared worker, so the thread constructors are swapped out (and re-importing _thread is denied).
import _thread  # noqa: E402
import threading  # noqa: E402
_thread.start_new_thread = _thread.start_new = _no_threads
threading._start_new_thread = _no_threads
sys.addaudithook(_audit)
os.chdir(SCRATCH)

BUILTINS_SNAPSHOT = dict(builtins.__dict__)
JINJA = SandboxedEnvironment()


class _Capture(io.TextIOBase):
    """Collects user print() output up to a limit; the rest is dropped."""

    def __init__(self, limit):
        self.parts, self.size, self.limit = [], 0, limit

    def writable(self):
        return True

    def write(self, s):
        if self.size < self.limit:
            piece = s[: self.limit - self.size]
            self.parts.append(piece)
            self.size += len(piece)
        return len(s)

    def text(self):
        return "".join(self.parts)


@lru_cache(maxsize=256)
def _compile_python(code):
    return compile(code, "<code>", "exec")


@lru_cache(maxsize=256)
def _compile_template(code):
    return JINJA.from_string(code)


def _line_of(exc, filename):
    if isinstance(exc, (SyntaxError, jinja2.TemplateSyntaxError)) and exc.lineno:
        return exc.lineno
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


def _describe(exc, filename):
    if isinstance(exc, MemoryError):
        return f"MemoryError: memory limit of {MEMORY_LIMIT_MIB} MiB exceeded"
    if isinstance(exc, SyntaxError) and exc.msg:
        message = exc.msg
    elif isinstance(exc, jinja2.TemplateSyntaxError) and exc.message:
        message = exc.message
    else:
        message = str(exc)
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    line = _line_of(exc, filename)
    return f"{text} (line {line})" if line else text


class UserError(Exception):
    def __init__(self, message, kind="user"):
        super().__init__(message)
        self.kind = kind


def _run_python(code, inputs):
    try:
        compiled = _compile_python(code)
    except SyntaxError as e:
        raise UserError(_describe(e, "<code>"))
    scope = {"__name__": "__main__", "__builtins__": dict(BUILTINS_SNAPSHOT)}
    try:
        exec(compiled, scope)
        entry = scope.get("main")
        if not callable(entry):
            raise UserError("main function is not defined: the code must define def main(...) -> dict")
        result = entry(**inputs)
    except UserError:
        raise
    except BaseException as e:  # SystemExit/KeyboardInterrupt from user code are user errors too
        raise UserError(_describe(e, "<code>"), "memory" if isinstance(e, MemoryError) else "user")
    if not isinstance(result, dict):
        raise UserError(f"main must return a dict (JSON object), got {type(result).__name__}")
    try:
        return json.dumps(result, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError) as e:
        raise UserError(f"main's result is not JSON serializable: {e}")


def _run_jinja2(code, inputs):
    try:
        rendered = _compile_template(code).render(**inputs)
    except MemoryError as e:
        raise UserError(_describe(e, "<template>"), "memory")
    except Exception as e:
        raise UserError(_describe(e, "<template>"))
    return json.dumps(rendered, ensure_ascii=False)


def _clean_scratch():
    for entry in os.scandir(SCRATCH):
        if entry.is_dir(follow_symlinks=False):
            for root, dirs, files in os.walk(entry.path, topdown=False):
                for f in files:
                    os.remove(os.path.join(root, f))
                for d in dirs:
                    os.rmdir(os.path.join(root, d))
            os.rmdir(entry.path)
        else:
            os.remove(entry.path)


def _handle(request):
    capture = _Capture(MAX_CAPTURE)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = capture
    try:
        lang = request["lang"]
        if lang == "python3":
            result = _run_python(request["code"], request["inputs"])
        elif lang == "jinja2":
            result = _run_jinja2(request["code"], request["inputs"])
        else:
            raise UserError(f"unsupported language {lang!r}", "internal")
    finally:
        sys.stdout, sys.stderr = saved
        # Undo `import builtins; builtins.x = ...` so one call cannot rig the next one.
        builtins.__dict__.clear()
        builtins.__dict__.update(BUILTINS_SNAPSHOT)
    limit = request.get("max_output", 1 << 20)
    size = len(result.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise UserError(f"Output is too large: {size} bytes exceeds the limit of {limit} bytes", "output")
    return result, capture.text()


def main():
    send({"ready": True, "pid": os.getpid()})
    while True:
        line = PROTO_IN.readline()
        if not line:
            return
        rid = None
        try:
            request = json.loads(line)
            rid = request.get("id")
            result, stdout = _handle(request)
            # The result is already JSON text; splice it in instead of parsing it again.
            head = json.dumps({"id": rid, "ok": True, "stdout": stdout}, ensure_ascii=False, separators=(",", ":"))
            PROTO_OUT.write(head[:-1].encode("utf-8", "surrogatepass") + b',"result":' +
                            result.encode("utf-8", "surrogatepass") + b"}\n")
            PROTO_OUT.flush()
        except UserError as e:
            send({"id": rid, "ok": False, "kind": e.kind, "error": str(e)})
        except MemoryError:
            send({"id": rid, "ok": False, "kind": "memory",
                  "error": f"MemoryError: memory limit of {MEMORY_LIMIT_MIB} MiB exceeded"})
        except BaseException as e:
            send({"id": rid, "ok": False, "kind": "internal", "error": f"{type(e).__name__}: {e}"})
        finally:
            try:
                _clean_scratch()
            except OSError:
                pass


main()

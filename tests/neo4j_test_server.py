"""A real Neo4j for the tests: Neo4j Community from Maven Central, run by our launcher.

tests/neo4j-launcher/ holds a pom.xml (the Neo4j version, one place) and Launcher.java (a Java
main that starts the same server `neo4j console` runs, on loopback ports the system picks,
authentication on). `build()` fetches the jars with Maven into build/neo4j/ (git-ignored) and
compiles the launcher; `Neo4jTestServer` starts it in a temporary folder, waits for Bolt, and
stops it: closing its standard input stops the JVM, so it also goes when the Python process
that started it dies, however it dies.

Used by tests/bootstrap.py (once per pytest session, when Neo4j variants are selected and
NEO4J_URI is not set) and by docs/generate.py (the examples of docs/neo4j.md).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "neo4j-launcher"
POM = SOURCE / "pom.xml"
LAUNCHER = SOURCE / "Launcher.java"
BUILD = ROOT / "build" / "neo4j"  # git-ignored (/build/): jars, Maven's repository, classes
LIB, CLASSES, M2 = BUILD / "lib", BUILD / "classes", BUILD / "m2"
STAMP = LIB / ".pom-sha256"

USER = "neo4j"
PASSWORD = "sanctions-kg-test"  # only for the throw-away server of a test run
APT = "apt-get install -y openjdk-17-jdk-headless maven"
MAVEN_WAIT = 900.0  # seconds for the first download (~170 MB)
START_WAIT = 300.0  # seconds for Bolt to answer (a start took >120 s with a load average of 16 on 2 cores)
STOP_WAIT = 60.0

# The flags Neo4j's own launcher (bin/neo4j) passes to the JVM.
JVM_FLAGS = [
    "-Xms256m", "-Xmx768m",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


class SetupError(Exception):
    """Java or Maven is missing, or the build failed: the message says how to fix it."""


def neo4j_version(pom: Path = POM) -> str:
    """The Neo4j version the tests run (tests/neo4j-launcher/pom.xml)."""
    return re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", pom.read_text("utf-8")).group(1)


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def tools_missing() -> list[str]:
    return [name for name in ("java", "javac", "mvn") if not shutil.which(name)]


def ensure_tools(say: Callable[[str], None]) -> None:
    """Java 17 and Maven, installed with apt-get when running as root; otherwise SetupError."""
    missing = tools_missing()
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(f"The Neo4j tests need Java 17 and Maven ({', '.join(missing)} not found): run "
                         f"`sudo sh -c 'apt-get update && {APT}'`, then `uv run pytest` again "
                         "(or deselect them with -k 'not neo4j').")
    cmd = f"apt-get update && {APT}"
    say(f"bootstrap: {', '.join(missing)} not found: running `{cmd}` for the Neo4j tests")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(["sh", "-c", cmd], env=env, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or tools_missing():
        raise SetupError(f"`{cmd}` failed (exit {done.returncode}, output above): install Java 17 and Maven, "
                         "then run `uv run pytest` again.")


def built() -> bool:
    launcher_class = CLASSES / "Launcher.class"
    return (STAMP.exists() and STAMP.read_text().strip() == _pom_digest() and launcher_class.exists()
            and launcher_class.stat().st_mtime >= LAUNCHER.stat().st_mtime)


def build(say: Callable[[str], None]) -> None:
    """Fetch Neo4j's jars (Maven, output shown) and compile the launcher, unless already done."""
    if built():
        return
    ensure_tools(say)
    if not (STAMP.exists() and STAMP.read_text().strip() == _pom_digest()):
        if LIB.exists():
            shutil.rmtree(LIB)
        cmd = ["mvn", "-B", "--no-transfer-progress", "-f", str(POM), f"-Dmaven.repo.local={M2}",
               "dependency:copy-dependencies"]
        say(f"bootstrap: fetching Neo4j {neo4j_version()} with Maven into {BUILD.relative_to(ROOT)}/ "
            f"(first time only, ~170 MB): {' '.join(cmd)}")
        try:
            done = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, timeout=MAVEN_WAIT)
        except subprocess.TimeoutExpired:
            raise SetupError(f"Maven did not finish within {MAVEN_WAIT:g} s fetching Neo4j (output above): check "
                             "that Maven Central is reachable, then run `uv run pytest` again.") from None
        if done.returncode != 0:
            raise SetupError(f"Maven failed fetching Neo4j (exit {done.returncode}, output above): fix that, then "
                             "run `uv run pytest` again.")
        STAMP.write_text(_pom_digest() + "\n")
    CLASSES.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["javac", "-nowarn", "-d", str(CLASSES), "-cp", str(LIB / "*"), str(LAUNCHER)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"javac failed compiling {LAUNCHER.relative_to(ROOT)}: {done.stderr.strip()}")


@dataclass
class Neo4jTestServer:
    """One running Neo4j: `start()` returns once Bolt answers; `stop()` leaves nothing running."""

    password: str = PASSWORD
    home: Path | None = None
    process: subprocess.Popen | None = None
    bolt: str = ""
    http: str = ""

    @property
    def uri(self) -> str:
        return f"bolt://{self.bolt}"

    @property
    def env(self) -> dict[str, str]:
        return {"NEO4J_URI": self.uri, "NEO4J_USERNAME": USER, "NEO4J_PASSWORD": self.password}

    def start(self, wait: float = START_WAIT) -> Neo4jTestServer:
        self.home = Path(tempfile.mkdtemp(prefix="sanctions-kg-neo4j-"))
        ready, log = self.home / "ready", self.home / "launcher.log"
        java = shutil.which("java") or "java"
        cmd = [java, *JVM_FLAGS, "-cp", f"{CLASSES}{os.pathsep}{LIB / '*'}", "Launcher",
               str(self.home / "server"), str(ready)]
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                env={**os.environ, "NEO4J_PASSWORD": self.password}, start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + wait
        while not ready.exists():
            if self.process.poll() is not None:
                tail = log.read_text("utf-8", "replace")[-2000:]
                self.stop()
                raise SetupError(f"Neo4j stopped at start (exit {self.process.returncode}): {tail}")
            if time.monotonic() > deadline:
                self.stop()
                raise SetupError(f"Neo4j's Bolt port did not open within {wait:g} s "
                                 f"(log: {log}); the machine may be overloaded.")
            time.sleep(0.2)
        found = dict(part.split("=", 1) for part in ready.read_text("utf-8").split())
        self.bolt, self.http = found["bolt"], found["http"]
        return self

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                proc.stdin.close()  # the launcher stops Neo4j when its input ends
            except OSError:
                pass
            try:
                proc.wait(STOP_WAIT)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self.home is not None and proc is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def __enter__(self) -> Neo4jTestServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

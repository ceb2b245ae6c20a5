"""Shared pytest hooks."""

import os

pytest_plugins = ["stores"]  # the store fixtures, parametrised over backends (tests/stores.py)

# The suite must not leave database servers behind: every store it opens (in-process, through
# click's CliRunner, or in a subprocess, which inherits this) stops its embedded server at the
# last close, whatever the caller's shell says. tests/test_keep_server.py asks for more.
os.environ["SANCTIONS_KG_KEEP_SERVER"] = "0"


def pytest_configure(config):
    """tests/bootstrap.py: installs what the selected tests need (npm packages, chromium) before
    the first test, and fails a run that leaves new files in the tree."""
    import bootstrap

    config.pluginmanager.register(bootstrap, "sanctions-kg-bootstrap")
    config.addinivalue_line("markers", "neo4j: runs against Neo4j (tests/bootstrap.py starts the test server)")


def pytest_terminal_summary(terminalreporter):
    """Print what the reliability suite tried (tests/test_reliability.py records it)."""
    try:
        from reliability_helpers import COUNTS
    except ImportError:
        return
    if not any(COUNTS.values()):
        return
    tr = terminalreporter
    tr.section("reliability")
    tr.write_line(f"bad-input kinds tried: {len(COUNTS['bad_inputs'])} ({', '.join(sorted(COUNTS['bad_inputs']))})")
    tr.write_line(f"crash points survived: {len(COUNTS['crash_points'])} "
                  f"({', '.join(sorted(COUNTS['crash_points']))})")
    tr.write_line(f"injection strings tried: {len(COUNTS['injections'])}")

import sys


def pytest_terminal_summary(terminalreporter):
    """How many requests schemathesis generated (tests/security/test_schemathesis.py)."""
    module = sys.modules.get("tests.security.test_schemathesis")
    ran = getattr(module, "RAN", None)
    if ran and ran["cases"]:
        terminalreporter.write_line(
            f"schemathesis: {ran['cases']} generated requests over "
            f"{len(ran['operations'])} operations"
        )

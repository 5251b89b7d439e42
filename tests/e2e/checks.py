"""Shared by the end-to-end tests: a tally of named checks that prints one line
each and the closing `N passed, M failed` line ctest logs show."""
import sys


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return bool(ok)

    def crash(self, name, exc):
        self.failed += 1
        print(f"FAIL {name}: exception {type(exc).__name__}: {exc}")
        sys.stdout.flush()

    def finish(self):
        """Prints the closing line; returns the exit status."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0

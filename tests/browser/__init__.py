"""Browser tests (Playwright + Debian Chromium). A package, so that `import conftest` in tests/ still means tests/conftest.py."""

"""Render the app icons (static/icons/*.png) from their SVG sources with Debian's Chromium.

Usage: .venv/bin/python tests/tools/render_icons.py
"""
import os

from playwright.sync_api import sync_playwright

ICONS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "static", "icons")
JOBS = [("app-icon.svg", 192, "icon-192.png"), ("app-icon.svg", 512, "icon-512.png"),
        ("maskable.svg", 512, "maskable-512.png"), ("maskable.svg", 180, "apple-touch-icon.png")]


def main():
    """Screenshot each SVG at its size on a transparent background."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for source, size, target in JOBS:
            page = browser.new_page(viewport={"width": size, "height": size})
            with open(os.path.join(ICONS, "src", source), encoding="utf-8") as handle:
                svg = handle.read().replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(f'<html><body style="margin:0;background:transparent">{svg}</body></html>')
            page.screenshot(path=os.path.join(ICONS, target), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()

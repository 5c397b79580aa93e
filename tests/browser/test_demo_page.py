"""The demo in a real browser: headless Chromium (Debian's) driven by Playwright.

Starts `parbot demo` (emulator + web page + the bot, python-telegram-bot by default, on a seeded
database) in-process, opens the page at a phone-sized viewport, sends /start as the commune
officer, presses an inline button, and saves a screenshot.
"""

from __future__ import annotations

from tests.browser.conftest import ARTIFACTS, CHROMIUM, NEEDS_CHROMIUM, launch

pytestmark = NEEDS_CHROMIUM


async def test_officer_starts_and_presses_a_button_in_the_browser(demo):
    from playwright.async_api import async_playwright

    assert CHROMIUM is not None, "chromium is required in CI"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "demo-officer.png"
    shot.unlink(missing_ok=True)
    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(demo)
            await page.select_option("#persona", "1001")  # the commune's focal officer
            # a fresh chat shows the START bar, a chat already started shows the composer
            await page.wait_for_selector("#start-button:visible, #input:visible", timeout=15000)
            start = page.locator("#start-button")
            if await start.is_visible():
                await start.click()
            else:
                await page.fill("#input", "/start")
                await page.click("#send-button")
            await page.wait_for_selector("#input:visible", timeout=15000)
            await page.locator(".msg.bot").first.wait_for(timeout=15000)
            await page.fill("#input", "/score")
            await page.click("#send-button")
            button = page.locator(".inline-kb button").first
            await button.wait_for(timeout=15000)
            card_text = await page.locator(".msg.bot").last.inner_text()
            assert "Tiêu chí" in card_text and "điểm" in card_text  # Vietnamese, diacritics
            await button.click()
            await page.get_by_text("Đã lưu").first.wait_for(timeout=15000)
            await page.screenshot(path=str(shot), full_page=False)
        finally:
            await browser.close()
    assert shot.exists() and shot.stat().st_size > 10_000
    from PIL import Image

    with Image.open(shot) as img:
        assert img.size == (390, 844)
        colors = img.convert("RGB").getcolors(maxcolors=390 * 844) or []
        assert len(colors) > 50  # not a blank page

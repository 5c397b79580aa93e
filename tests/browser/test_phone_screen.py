"""Issue 16, finding 11, on a 390×844 phone screen in a real browser: the officer's card and the
leader's /rank on the demo page.

Measured in the page, as a person would see it: the card fits the width, every button's text is
whole on its one line (the page cuts a too-long button at its edge, as Telegram does) and keeps
its points, the option's full text is on the card, the reply keyboard takes under a quarter of the
height; the /rank chart is at most 600 px wide, shown at the message's full width, and nothing
scrolls sideways. Screenshots are saved under ``artifacts/`` (their paths are printed).
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import ARTIFACTS, NEEDS_CHROMIUM, launch

pytestmark = NEEDS_CHROMIUM

WIDTH, HEIGHT = 390, 844
LONG_OPTION = (
    "Có Kế hoạch, thực hiện từ 3 hình thức trở lên (loa truyền thanh, trang TTĐT, hội nghị, pano…)"
)

MEASURE_CARD = """(code) => {
  const card = [...document.querySelectorAll('.msg.bot')].reverse()
    .find((m) => m.innerText.includes(code + ' ·'));
  const box = card.getBoundingClientRect();
  const kb = document.getElementById('keyboard');
  const chat = document.getElementById('chat');
  return {
    left: box.left, right: box.right,
    text: card.querySelector('.text').innerText,
    buttons: [...card.querySelectorAll('.inline-kb button')].map((b) => ({
      text: b.innerText, scroll: b.scrollWidth, client: b.clientWidth,
      right: b.getBoundingClientRect().right,
    })),
    keyboard: kb.hidden ? 0 : kb.getBoundingClientRect().height,
    page: document.documentElement.scrollWidth,
    chat: [chat.scrollWidth, chat.clientWidth],
  };
}"""

MEASURE_PHOTO = """() => {
  const img = [...document.querySelectorAll('.msg.bot img.photo')].pop();
  const bubble = img.closest('.bubble');
  const style = getComputedStyle(bubble);
  const inner = bubble.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const chat = document.getElementById('chat');
  return {
    natural: [img.naturalWidth, img.naturalHeight],
    shown: img.getBoundingClientRect().width, right: img.getBoundingClientRect().right,
    inner: inner, page: document.documentElement.scrollWidth,
    chat: [chat.scrollWidth, chat.clientWidth],
  };
}"""


async def _open_as(browser: Any, url: str, persona: str) -> Any:
    page = await browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    await page.goto(url)
    await page.select_option("#persona", persona)
    await page.wait_for_selector("#start-button:visible, #input:visible", timeout=15000)
    start = page.locator("#start-button")
    if await start.is_visible():
        await start.click()
    else:
        await _send(page, "/start")
    await page.wait_for_selector("#input:visible", timeout=15000)
    await page.locator(".msg.bot").first.wait_for(timeout=15000)
    return page


async def _send(page: Any, text: str) -> None:
    await page.fill("#input", text)
    await page.click("#send-button")


async def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    await page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000
    print(f"screenshot: {path}")


async def test_the_officers_card_fits_a_phone(demo):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await _open_as(browser, demo, "1001")  # the commune's focal officer
            await _send(page, "/score 1.4")
            card = page.locator(".msg.bot", has_text="1.4 ·").last
            await card.locator(".inline-kb button").first.wait_for(timeout=15000)
            await card.scroll_into_view_if_needed()
            m = await page.evaluate(MEASURE_CARD, "1.4")
            await _shot(page, "phone-officer-card.png")
        finally:
            await browser.close()
    print("officer card:", {k: v for k, v in m.items() if k != "text"})
    assert m["left"] >= 0 and m["right"] <= WIDTH, m
    assert m["page"] <= WIDTH and m["chat"][0] <= m["chat"][1], "nothing scrolls sideways"
    assert f"1. {LONG_OPTION}" in m["text"], m["text"]  # the whole option on the card
    options = [b for b in m["buttons"] if b["text"][:2] in ("1.", "2.", "3.")]
    assert len(options) == 3, m["buttons"]
    for b in m["buttons"]:
        assert b["scroll"] <= b["client"], f"button text cut at its edge: {b}"
        assert b["right"] <= WIDTH, b
    assert options[0]["text"].endswith("(1đ)") and options[1]["text"].endswith("(0,5đ)")
    assert 0 < m["keyboard"] < 0.25 * HEIGHT, f"the reply keyboard is {m['keyboard']} px high"


async def test_the_leaders_rank_chart_is_phone_sized(demo):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw)
        try:
            page = await _open_as(browser, demo, "1002")  # the commune's leader
            await _send(page, "/rank")
            img = page.locator(".msg.bot img.photo").last
            await img.wait_for(timeout=30000)
            await page.wait_for_function(
                "() => [...document.querySelectorAll('img.photo')].every((i) => i.complete "
                "&& i.naturalWidth > 0)",
                timeout=15000,
            )
            await img.scroll_into_view_if_needed()
            m = await page.evaluate(MEASURE_PHOTO)
            await _shot(page, "phone-leader-rank.png")
        finally:
            await browser.close()
    print("rank chart:", m)
    assert 0 < m["natural"][0] <= 600, m
    assert m["shown"] >= m["inner"] - 1, "the chart is shown at the message's full width"
    assert m["shown"] >= 0.75 * WIDTH, m
    assert m["right"] <= WIDTH and m["page"] <= WIDTH and m["chat"][0] <= m["chat"][1], m
